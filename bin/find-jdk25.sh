# Sourced by ./mvnw and ./zoft: sets ZOFT_JAVA_HOME to a JDK 25+ or exits with a clear message.
# Order: $JAVA_HOME if it is 25+, else `java` on PATH if 25+, else the usual install folders.

zoft_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

zoft_is_jdk25() { # $1 = a JDK home; true when it has java and javac of version 25 or newer
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local v; v=$(zoft_java_major "$1/bin/java")
  [ -n "$v" ] && [ "$v" -ge 25 ]
}

zoft_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && zoft_is_jdk25 "$JAVA_HOME"; then ZOFT_JAVA_HOME=$JAVA_HOME; return 0; fi
  if command -v java >/dev/null 2>&1; then
    local home; home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if zoft_is_jdk25 "$home"; then ZOFT_JAVA_HOME=$home; return 0; fi
  fi
  local d
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] || continue
    if zoft_is_jdk25 "$d"; then ZOFT_JAVA_HOME=$d; return 0; fi
  done
  {
    echo "zoft needs a JDK 25 or newer (java and javac, for the FFM API and jdk.incubator.vector)."
    echo "Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), java on PATH, /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman, ~/.jdks."
    echo "Install one (e.g. Temurin 25) and/or set JAVA_HOME to it."
  } >&2
  exit 1
}
zoft_find_jdk25
