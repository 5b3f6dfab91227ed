package dev.zoft.federation.net;

import dev.zoft.federation.WeightedMean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The server process {@link ServerKillTest} kills: a coordinator over {@code args[0]} serving
 * {@link NetFixtures#plan}{@code (clients, perRound, rounds)} on the loopback port {@code args[1]};
 * writes {@code args[2]} (its pid) once it listens, then serves until killed.
 */
public final class KillableServerMain {

    private KillableServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Path ready = Path.of(args[2]);
        FederationPlan plan = NetFixtures.plan(Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        Coordinator c = Coordinator.open(dir, NetFixtures.HEADER, plan, new RoundPolicy(plan.perRound(), Duration.ofHours(1)),
                UploadLimits.defaults(), new WeightedMean(), System::currentTimeMillis);
        FederationHttpServer.start(c, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null,
                NetFixtures.ENROLMENT);
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(Long.MAX_VALUE);
    }
}
