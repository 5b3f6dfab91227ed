package dev.zoft.federation.net;

import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Update;
import java.util.List;

/**
 * How a client that missed rounds catches up: replay the missed rounds, or download the latest
 * checkpoint and replay only the rounds after it, whichever takes less time on this device.
 *
 * <p>Replaying an update regenerates z over the parameters of its scope and adds {@code c·z}: its
 * cost is one "parameter-update" per parameter touched. With W(a → b) the parameter-updates of
 * rounds a+1..b (exact: the sum over the rounds' updates of their scope's size), a checkpoint of
 * round c of {@code B = 22 + 4·n} bytes is preferred iff
 * <pre>
 *   B / bytesPerSecond + W(c → now) · t  &lt;  W(have → now) · t
 * </pre>
 * with t = {@code nanosPerParameterUpdate}. The missed rounds' scalars themselves (28 + 4·S·K bytes a
 * round) are downloaded in both cases to count W, and are negligible. Example: MiniLM with the top
 * layer + head trainable (n = 1.78 M), Gaussian z at 1.3 ns per parameter-update, 10 MB/s: the
 * 7.1 MB checkpoint takes 0.71 s, a replayed update 2.3 ms, so past about 300 missed updates (≈ 19
 * rounds of S = 2 FedSPZO(1, 4) steps, 8 updates each) the checkpoint wins.
 *
 * @param nanosPerParameterUpdate the device's cost of one parameter-update (generate z, add c·z)
 * @param bytesPerSecond          the device's download bandwidth
 */
public record SyncRule(double nanosPerParameterUpdate, double bytesPerSecond) {

    /** 1.3 ns per parameter-update (Gaussian z, AVX-512, measured by GeneratorBenchmark), 10 MB/s. */
    public static SyncRule defaults() {
        return new SyncRule(1.3, 10e6);
    }

    /** Always replays (never downloads a checkpoint). */
    public static SyncRule alwaysReplay() {
        return new SyncRule(0, 1);
    }

    /** Downloads a checkpoint whenever one is ahead of the client. */
    public static SyncRule alwaysCheckpoint() {
        return new SyncRule(1e12, 1e300);
    }

    public SyncRule {
        if (!(nanosPerParameterUpdate >= 0) || !(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("need ns/parameter-update ≥ 0 and bandwidth > 0, got "
                    + nanosPerParameterUpdate + ", " + bytesPerSecond);
        }
    }

    /** The rule on counts: true iff the checkpoint (of {@code checkpointBytes}) costs less. */
    public boolean preferCheckpoint(long replayAll, long replayAfterCheckpoint, long checkpointBytes) {
        double replay = replayAll * nanosPerParameterUpdate;
        double viaCheckpoint = checkpointBytes / bytesPerSecond * 1e9 + replayAfterCheckpoint * nanosPerParameterUpdate;
        return viaCheckpoint < replay;
    }

    /** The rule for {@code model} missing {@code missing}, given a checkpoint of round {@code checkpointRound}. */
    public boolean preferCheckpoint(SyncedModel<?> model, List<RoundAggregate> missing, int checkpointRound,
                                    long checkpointBytes) {
        ScopedViews views = ScopedViews.of(model.objective());
        long all = 0;
        long after = 0;
        for (RoundAggregate a : missing) {
            long w = 0;
            for (Update u : a.updates(model.estimator())) {
                w += views.view(u.scope()).size();
            }
            all += w;
            if (a.round() > checkpointRound) {
                after += w;
            }
        }
        return preferCheckpoint(all, after, checkpointBytes);
    }
}
