package dev.zoft.federation.net;

import static dev.zoft.federation.net.NetFixtures.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.WeightedMean;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every endpoint fed random and mutated requests over real HTTP: the answer is always a 2xx or a
 * 4xx with a reason (never a 5xx, never a dropped connection), and a refused request leaves every
 * state file byte-identical.
 */
class FederationHttpFuzzProperties {

    private static final List<String> PATHS = List.of("/v1/register", "/v1/status", "/v1/round", "/v1/sync",
            "/v1/checkpoint", "/v1/upload", "/", "/v2/upload", "/v1/upload/x", "/v1/round/", "/%00");
    private static final List<String> QUERIES = List.of("", "?have=0", "?have=-1", "?have=99999999999", "?have=x",
            "?client=3", "?client=-5", "?client=1&client=2", "?have=0&have=1", "?=1", "?have", "?client=2147483647");

    private static Path dir;
    private static Coordinator coordinator;
    private static FederationHttpServer server;
    private static URI base;
    private static FederationClient.Credentials[] creds;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("zoft-fuzz");
        FederationPlan plan = NetFixtures.plan(8, 8, 1_000_000);
        coordinator = Coordinator.open(dir, NetFixtures.HEADER, plan, new RoundPolicy(8, Duration.ofHours(1)),
                new UploadLimits(1e6, 1_000_000, 4096), new WeightedMean(), System::currentTimeMillis);
        server = FederationHttpServer.start(coordinator, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                NetFixtures.ENROLMENT);
        base = URI.create("http://127.0.0.1:" + server.port());
        FederationClient anon = FederationClient.connect(URI.create(base + "/"), null);
        creds = new FederationClient.Credentials[8];
        for (int i = 0; i < 6; i++) {
            creds[i] = anon.register(i, NetFixtures.ENROLMENT);
        }
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        coordinator.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Who a request claims to be: 0 nobody, 1 valid, 2 valid token of another client, 3 garbage, 4 enrolment key. */
    private static HttpRequest.Builder withAuth(HttpRequest.Builder b, int mode, int client) {
        FederationClient.Credentials c = creds[Math.floorMod(client, 6)];
        return switch (mode) {
            case 1 -> b.header("X-Zoft-Client", Integer.toString(c.client())).header("Authorization", "Bearer " + c.token());
            case 2 -> b.header("X-Zoft-Client", Integer.toString((c.client() + 1) % 6)).header("Authorization", "Bearer " + c.token());
            case 3 -> b.header("X-Zoft-Client", "x" + client).header("Authorization", "Bearer ~~" + client);
            case 4 -> b.header("Authorization", "Bearer " + NetFixtures.ENROLMENT);
            default -> b;
        };
    }

    private static HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r, String before) throws IOException {
        int s = r.statusCode();
        assertTrue(s >= 200 && s < 500, "status " + s + ": " + r.body());
        if (s >= 400) {
            // The JDK's server refuses unparseable request lines itself (an HTML page); the rest are ours (JSON).
            if (!r.request().method().equals("HEAD")) {
                assertTrue(r.body().startsWith("{\"error\":") || r.body().startsWith("<h1>4"), r.body());
            }
            assertEquals(before, stateOf(dir), "a refused request changed the state: " + r.body());
        }
    }

    @Property(tries = 300)
    void randomRequestsGetA2xxOrA4xxAndRefusalsChangeNothing(
            @ForAll("methods") String method, @ForAll("paths") String path, @ForAll("queries") String query,
            @ForAll("auth") int auth, @ForAll("client") int client, @ForAll("bodies") byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + query)).timeout(Duration.ofSeconds(10))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        String before = stateOf(dir);
        check(send(withAuth(b, auth, client).build()), before);
    }

    @Property(tries = 300)
    void mutatedUploadsAreRefusedCleanlyOrAccepted(@ForAll("client") int client, @ForAll("mutation") int[] mutation)
            throws Exception {
        int c = Math.floorMod(client, 6);
        int round = coordinator.status().openRound();
        byte[] valid = NetFixtures.uploadBytes(round, c);
        byte[] body = mutate(valid, mutation);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/upload")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String before = stateOf(dir);
        HttpResponse<String> r = send(withAuth(b, 1, c).build());
        check(r, before);
        if (r.statusCode() == 200) {
            assertTrue(Arrays.equals(body, valid) || body.length == valid.length, "accepted a reshaped upload: " + r.body());
        }
    }

    /** mutation[0] picks the kind, the rest its positions and values. */
    private static byte[] mutate(byte[] v, int[] m) {
        int kind = Math.floorMod(m[0], 5);
        byte[] out = v.clone();
        switch (kind) {
            case 0 -> out[Math.floorMod(m[1], out.length)] ^= (byte) (1 << Math.floorMod(m[2], 8));
            case 1 -> out = Arrays.copyOf(out, Math.floorMod(m[1], out.length));
            case 2 -> {
                out = Arrays.copyOf(out, out.length + 1 + Math.floorMod(m[1], 64));
                out[out.length - 1] = (byte) m[2];
            }
            case 3 -> {
                int p = Math.floorMod(m[1], out.length - 3);
                out[p] = (byte) m[2];
                out[p + 1] = (byte) (m[2] >> 8);
                out[p + 2] = (byte) 0x7F;
                out[p + 3] = (byte) 0xFF;
            }
            default -> {
                // A valid upload of another round, or of another client.
                out = NetFixtures.uploadBytes(Math.max(1, Math.floorMod(m[1], 4)), Math.floorMod(m[2], 8));
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH");
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(Arbitraries.of(PATHS),
                Arbitraries.strings().withChars("abcv1/%._-").ofMaxLength(30).map(s -> "/" + s.replace("%", "%25")));
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.oneOf(Arbitraries.of(QUERIES),
                Arbitraries.strings().withChars("havecl=&0123456789-x").ofMaxLength(40).map(s -> "?" + s));
    }

    @Provide
    Arbitrary<Integer> auth() {
        return Arbitraries.integers().between(0, 4);
    }

    @Provide
    Arbitrary<Integer> client() {
        return Arbitraries.integers().between(-2, 9);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> near = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 40), Arbitraries.bytes())
                .as((round, c, pos, val) -> {
                    byte[] b = NetFixtures.uploadBytes(round, c);
                    b[Math.min(pos, b.length - 1)] = val;
                    return b;
                });
        return Arbitraries.oneOf(random, near, Arbitraries.just(new byte[5000]));
    }

    @Provide
    Arbitrary<int[]> mutation() {
        return Arbitraries.integers().array(int[].class).ofSize(3);
    }
}
