package dev.zoft.weights;

/**
 * A file shipped inside a Maven artifact's jar, at the root of the classpath.
 *
 * @param groupId      Maven group of the artifact that holds it
 * @param artifactId   Maven artifact
 * @param version      the version zoft was built against (used when the jar has no pom.properties)
 * @param resourceName path of the resource inside the jar
 * @param sha256       expected SHA-256 (lowercase hex) of the resource in {@code version}, or null
 */
public record BundledResource(String groupId, String artifactId, String version, String resourceName, String sha256) {

    /** {@code groupId:artifactId:version}, what to add to a pom when the resource is missing. */
    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** The pom.properties Maven puts in every jar it builds, which names the jar's version. */
    String pomPropertiesPath() {
        return "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    }
}
