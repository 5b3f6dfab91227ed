package dev.zoft.federation;

/**
 * Which clients of a federation are slow, and their {@link DirectionCaps}: a function of the client
 * id alone, so the simulator, the cost accounting and a replay agree. {@link #none()} (the default)
 * caps nobody, and a run is then bit for bit what it was before caps existed.
 */
public sealed interface ClientCaps {

    /** Client {@code id}'s caps, or null when it runs the round's full counts. */
    DirectionCaps of(int id);

    /** A text naming the rule, e.g. {@code every3:p1=1,p2=2} (for logs and seed-log headers). */
    String describe();

    /** Nobody capped. */
    static ClientCaps none() {
        return None.INSTANCE;
    }

    /** Every {@code every}-th client id is slow: ids {@code every − 1, 2·every − 1, …} get {@code caps}. */
    static ClientCaps every(int every, DirectionCaps caps) {
        return new Every(every, caps);
    }

    /** No client capped. */
    enum None implements ClientCaps {
        INSTANCE;

        @Override
        public DirectionCaps of(int id) {
            return null;
        }

        @Override
        public String describe() {
            return "none";
        }
    }

    /**
     * Client ids {@code every − 1, 2·every − 1, …} (the every-th, 2·every-th, … client) run with
     * {@code caps}; {@code every = 1} caps every client.
     */
    record Every(int every, DirectionCaps caps) implements ClientCaps {
        public Every {
            if (every < 1) {
                throw new IllegalArgumentException("slow clients: 'every' must be ≥ 1, got " + every);
            }
            java.util.Objects.requireNonNull(caps, "caps");
        }

        @Override
        public DirectionCaps of(int id) {
            return id % every == every - 1 ? caps : null;
        }

        @Override
        public String describe() {
            return "every" + every + ":" + caps.describe();
        }
    }
}
