#!/usr/bin/env bash
# Runs zoft's JMH benchmarks with the Graal JIT instead of C2, side by side with the default.
#   perf/graal/graal-jit.sh GemmBenchmark -p bits=512 -p threads=1 -p tokens=1024 -p shape=384x1536
# The Graal compiler (org.graalvm.compiler:compiler, Maven Central) is loaded through JVMCI into the
# project's JDK 25 (Temurin ships JVMCI but an empty jdk.graal.compiler module). Each benchmark runs
# twice: once with C2 (the default users get), once with Graal.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/bin/find-jdk25.sh"
lib="$root/perf/target/graal"
if [ ! -f "$lib/compiler-25.0.1.jar" ]; then
  JAVA_HOME="$ZOFT_JAVA_HOME" mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" >&2 \
    || { echo "graal-jit: could not fetch org.graalvm.compiler:compiler from Maven Central" >&2; exit 1; }
fi
jar="$root/perf/target/benchmarks.jar"
[ -f "$jar" ] || "$root/mvnw" -q -B -DskipTests -pl perf -am package >&2
modules=$(ls "$lib"/*.jar | tr '\n' ':')
# -jvmArgsAppend replaces the benchmark's own @Fork arguments, so they are repeated here.
graal="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:+UseJVMCICompiler -XX:-UseJVMCINativeLibrary --upgrade-module-path=${modules%:}"
echo "== C2 (default)"
"$ZOFT_JAVA_HOME/bin/java" -jar "$jar" "$@"
echo "== Graal JIT (JVMCI)"
"$ZOFT_JAVA_HOME/bin/java" -jar "$jar" -jvmArgsAppend "$graal" "$@"
