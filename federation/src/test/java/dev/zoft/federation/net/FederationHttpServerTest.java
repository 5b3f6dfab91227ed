package dev.zoft.federation.net;

import static dev.zoft.federation.net.NetFixtures.ENROLMENT;
import static dev.zoft.federation.net.NetFixtures.plan;
import static dev.zoft.federation.net.NetFixtures.stateOf;
import static dev.zoft.federation.net.NetFixtures.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.WeightedMean;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP(S) front end: credentials, refusals with reasons, body limits, TLS, a whole run over loopback. */
class FederationHttpServerTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static Coordinator coordinator(Path dir, FederationPlan plan) throws IOException {
        return Coordinator.open(dir, NetFixtures.HEADER, plan, new RoundPolicy(plan.perRound(), Duration.ofHours(1)),
                UploadLimits.defaults(), new WeightedMean(), System::currentTimeMillis);
    }

    private static URI uri(FederationHttpServer s, String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + s.port() + "/");
    }

    /** Fetch-and-upload loops for every client, concurrently, until the run is finished. */
    static void runClients(URI base, SSLContext tls, List<FederationClient.Credentials> creds) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (FederationClient.Credentials c : creds) {
                done.add(pool.submit(() -> {
                    FederationClient fc = FederationClient.connect(base, tls).login(c);
                    int have = 0;
                    while (true) {
                        switch (fc.fetchRound(have)) {
                            case FederationClient.Fetch.Finished f -> {
                                return null;
                            }
                            case FederationClient.Fetch.Wait w -> {
                                have = fc.status().completedRounds();
                                Thread.sleep(20);
                            }
                            case FederationClient.Fetch.Plan p -> {
                                fc.upload(upload(p.plan().round(), c.client()));
                                have = p.plan().round() - 1;
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    @Test
    void aWholeRunOverHttpLogsWhatTheInProcessServerLogs(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(12, 4, 6);
        try (Coordinator c = coordinator(dir, plan);
             FederationHttpServer s = FederationHttpServer.start(c, LOOPBACK, null, ENROLMENT)) {
            FederationClient anon = FederationClient.connect(uri(s, "http"), null);
            List<FederationClient.Credentials> creds = new ArrayList<>();
            for (int id = 0; id < 12; id++) {
                creds.add(anon.register(id, ENROLMENT));
            }
            runClients(uri(s, "http"), null, creds);
            assertEquals(CoordinatorTest.reference(plan), c.records());
            Coordinator.Status st = anon.login(creds.get(3)).status();
            assertTrue(st.finished());
            assertEquals(12, st.registered());
            assertEquals(6, anon.login(creds.get(0)).sync(0).size());
        }
    }

    @Test
    void credentialsAreCheckedOnEveryEndpoint(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(6, 2, 2);
        try (Coordinator c = coordinator(dir, plan);
             FederationHttpServer s = FederationHttpServer.start(c, LOOPBACK, null, ENROLMENT)) {
            FederationClient anon = FederationClient.connect(uri(s, "http"), null).withRetries(0);
            var bad = assertThrows(FederationClient.RefusedException.class, () -> anon.register(1, "wrong-enrolment-key!"));
            assertEquals(401, bad.status());
            FederationClient.Credentials one = anon.register(1, ENROLMENT);
            assertEquals(409, assertThrows(FederationClient.RefusedException.class, () -> anon.register(1, ENROLMENT)).status());
            assertEquals(404, assertThrows(FederationClient.RefusedException.class, () -> anon.register(6, ENROLMENT)).status());
            FederationClient.Credentials forged = new FederationClient.Credentials(2, one.token());
            FederationClient.Credentials wrong = new FederationClient.Credentials(1, one.token().replace('A', 'B') + "x");
            for (FederationClient.Credentials cr : List.of(forged, wrong)) {
                FederationClient fc = anon.login(cr);
                assertEquals(401, assertThrows(FederationClient.RefusedException.class, fc::status).status());
                assertEquals(401, assertThrows(FederationClient.RefusedException.class, () -> fc.fetchRound(0)).status());
                assertEquals(401, assertThrows(FederationClient.RefusedException.class, () -> fc.sync(0)).status());
                assertEquals(401, assertThrows(FederationClient.RefusedException.class, fc::checkpoint).status());
                String before = stateOf(dir);
                assertEquals(401, assertThrows(FederationClient.RefusedException.class,
                        () -> fc.upload(upload(1, cr.client()))).status());
                assertEquals(before, stateOf(dir));
            }
            HttpClient raw = HttpClient.newHttpClient();
            HttpResponse<String> r = raw.send(HttpRequest.newBuilder(uri(s, "http").resolve("v1/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            assertTrue(r.body().contains("\"error\""), r.body());
            assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElseThrow());
            // Uploading for another client with one's own valid token: 403 with a reason.
            FederationClient me = anon.login(one);
            var other = assertThrows(FederationClient.RefusedException.class, () -> me.upload(upload(1, 2)));
            assertEquals(403, other.status());
            assertTrue(other.getMessage().contains("cannot upload for client 2"), other.getMessage());
        }
    }

    @Test
    void anOversizedBodyIsRefusedFromItsDeclaredLengthBeforeItIsSent(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(4, 2, 1);
        try (Coordinator c = coordinator(dir, plan);
             FederationHttpServer s = FederationHttpServer.start(c, LOOPBACK, null, ENROLMENT)) {
            FederationClient.Credentials cr = FederationClient.connect(uri(s, "http"), null).register(0, ENROLMENT);
            String before = stateOf(dir);
            // Declare 1 GB and send nothing: the answer must come without the body.
            try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                sock.setSoTimeout(10_000);
                OutputStream out = sock.getOutputStream();
                out.write(("POST /v1/upload HTTP/1.1\r\nHost: x\r\nX-Zoft-Client: 0\r\nAuthorization: Bearer " + cr.token()
                        + "\r\nContent-Length: 1000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = sock.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 413", head);
            }
            // Without a declared length (chunked), the server stops reading past the limit.
            HttpClient raw = HttpClient.newHttpClient();
            byte[] big = new byte[UploadLimits.defaults().maxBodyBytes() + 10];
            HttpResponse<String> r = raw.send(HttpRequest.newBuilder(uri(s, "http").resolve("v1/upload"))
                    .header("X-Zoft-Client", "0").header("Authorization", "Bearer " + cr.token())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
            assertEquals(before, stateOf(dir));
        }
    }

    @Test
    void httpsWithAKeystoreMadeByKeytool(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "zoft", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        char[] pw = "changeit".toCharArray();
        FederationPlan plan = plan(4, 2, 2);
        Path state = dir.resolve("state");
        try (Coordinator c = coordinator(state, plan);
             FederationHttpServer s = FederationHttpServer.start(c, LOOPBACK, Tls.server(ks, pw), ENROLMENT)) {
            SSLContext trust = Tls.trusting(ks, pw);
            FederationClient anon = FederationClient.connect(uri(s, "https"), trust);
            List<FederationClient.Credentials> creds = new ArrayList<>();
            for (int id = 0; id < 4; id++) {
                creds.add(anon.register(id, ENROLMENT));
            }
            runClients(uri(s, "https"), trust, creds);
            assertEquals(CoordinatorTest.reference(plan), c.records());
            // A client that does not trust the certificate cannot complete a handshake.
            try (javax.net.ssl.SSLSocket sock = (javax.net.ssl.SSLSocket) SSLContext.getDefault().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), s.port())) {
                sock.setSoTimeout(5000);
                assertThrows(SSLHandshakeException.class, sock::startHandshake);
            }
            // Plain HTTP to the HTTPS port gets no HTTP answer.
            try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                sock.setSoTimeout(5000);
                sock.getOutputStream().write("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer;
                try {
                    answer = new String(sock.getInputStream().readNBytes(8), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    answer = "";
                }
                assertTrue(!answer.startsWith("HTTP/"), answer);
            }
        }
    }
}
