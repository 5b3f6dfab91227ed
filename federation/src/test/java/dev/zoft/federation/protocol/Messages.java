package dev.zoft.federation.protocol;

import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random valid protocol messages for the codec tests. */
final class Messages {

    private Messages() {
    }

    static StepScalars scalars(SplittableRandom r, int steps, int perStep) {
        float[] v = new float[steps * perStep];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-6, 6)));
        }
        return StepScalars.of(steps, perStep, v);
    }

    static RoundAggregate aggregate(SplittableRandom r, int round, int steps, int perStep) {
        return new RoundAggregate(round, r.nextLong(), r.nextDouble() * 1e-2, scalars(r, steps, perStep));
    }

    static RoundPlan plan(SplittableRandom r, int missing) {
        int steps = r.nextInt(1, 5);
        int k = r.nextInt(1, 9);
        int round = missing + 1 + r.nextInt(3);
        List<RoundAggregate> m = new ArrayList<>();
        for (int i = 0; i < missing; i++) {
            m.add(aggregate(r, round - missing + i, steps, k));
        }
        return new RoundPlan(round, r.nextLong(), steps, r.nextInt(1, 64), r.nextDouble(), m);
    }

    static ClientUpload upload(SplittableRandom r) {
        return new ClientUpload(r.nextInt(1, 1000), r.nextInt(0, 100), r.nextInt(1, 10_000),
                scalars(r, r.nextInt(1, 5), r.nextInt(1, 9)), r.nextDouble() * 3);
    }

    static RoundRecord record(SplittableRandom r) {
        RoundAggregate a = aggregate(r, r.nextInt(1, 1000), r.nextInt(1, 4), r.nextInt(1, 9));
        int n = r.nextInt(1, 6);
        int[] clients = new int[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            clients[i] = (i == 0 ? 0 : clients[i - 1] + 1) + r.nextInt(5);
            weights[i] = 0.01 + r.nextDouble();
        }
        List<Update> updates = new ArrayList<>();
        int u = r.nextInt(0, 12);
        for (int i = 0; i < u; i++) {
            updates.add(new Update(Scope.values()[r.nextInt(3)], r.nextLong(), (float) (r.nextDouble() - 0.5)));
        }
        return new RoundRecord(a, clients, weights, updates);
    }
}
