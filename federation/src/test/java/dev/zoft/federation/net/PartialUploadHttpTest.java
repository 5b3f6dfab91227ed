package dev.zoft.federation.net;

import static dev.zoft.federation.net.NetFixtures.ENROLMENT;
import static dev.zoft.federation.net.NetFixtures.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.WeightedMean;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial uploads over HTTP (MeZO with P = 2, S = 2, so K = 2): a malformed mask is a 400, a mask that
 * is not a prefix of MeZO's directions a 422, and neither changes the server's state; a proper
 * partial upload (direction 0 only) is accepted.
 */
class PartialUploadHttpTest {

    /** A type-5 upload of round 1 for {@code client}: S = 2, K = 2, then a K field and the mask byte. */
    static byte[] partial(int client, float[] v, int maskK, int mask) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeInt(0x5A4F4650);
            d.writeByte(1);
            d.writeByte(5);
            d.writeInt(1);
            d.writeInt(client);
            d.writeInt(10);
            d.writeInt(2);
            d.writeInt(2);
            for (float x : v) {
                d.writeFloat(x);
            }
            d.writeDouble(0.5);
            d.writeInt(maskK);
            d.writeByte(mask);
        }
        return bytes.toByteArray();
    }

    @Test
    void badMasksAreRefusedWithA4xxAndAGoodOneIsKept(@TempDir Path dir) throws Exception {
        FederationPlan plan = NetFixtures.plan(3, 3, 2);
        try (Coordinator c = Coordinator.open(dir, NetFixtures.HEADER, plan, new RoundPolicy(3, Duration.ofHours(1)),
                UploadLimits.defaults(), new WeightedMean(), System::currentTimeMillis);
             FederationHttpServer s = FederationHttpServer.start(c,
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, ENROLMENT)) {
            URI base = URI.create("http://127.0.0.1:" + s.port() + "/");
            FederationClient.Credentials cr = FederationClient.connect(base, null).register(1, ENROLMENT);
            HttpClient http = HttpClient.newHttpClient();
            record Case(byte[] body, int status, String why) {
            }
            Case[] cases = {
                    new Case(partial(1, new float[] {0.5f, 0, -1, 0}, 2, 0b100), 400, "a bit beyond K"),
                    new Case(partial(1, new float[] {0.5f, 0, -1, 0}, 2, 0), 400, "an empty mask"),
                    new Case(partial(1, new float[] {0.5f, 0, -1, 0}, 3, 0b001), 400, "K disagrees"),
                    new Case(partial(1, new float[] {0.5f, 0.25f, -1, 0}, 2, 0b001), 400, "an uncovered value"),
                    new Case(partial(1, new float[] {0, 0.5f, 0, -1}, 2, 0b010), 422, "direction 1 without direction 0"),
            };
            String before = stateOf(dir);
            for (Case k : cases) {
                HttpResponse<String> r = http.send(post(base, cr, k.body()), HttpResponse.BodyHandlers.ofString());
                assertEquals(k.status(), r.statusCode(), k.why() + ": " + r.body());
                assertTrue(r.body().contains("\"error\""), r.body());
                assertEquals(before, stateOf(dir), k.why() + " changed nothing");
            }
            HttpResponse<String> ok = http.send(post(base, cr, partial(1, new float[] {0.5f, 0, -1, 0}, 2, 0b001)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(1, c.status().uploads());
        }
    }

    private static HttpRequest post(URI base, FederationClient.Credentials cr, byte[] body) {
        return HttpRequest.newBuilder(base.resolve("v1/upload")).timeout(Duration.ofSeconds(10))
                .header("X-Zoft-Client", Integer.toString(cr.client())).header("Authorization", "Bearer " + cr.token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
