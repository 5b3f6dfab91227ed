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

    /**
     * Reads {@code EVERY:P} (every EVERY-th client runs at most P of MeZO's directions, DeComFL) or
     * {@code EVERY:P1:P2} (at most P1 block-1 and P2 block-2 directions of FedSPZO), e.g. {@code 3:1:2}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static ClientCaps parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("slow clients '" + text + "': expected EVERY:P (DeComFL) or EVERY:P1:P2 (FedSPZO),"
                    + " e.g. 3:1:2");
        }
        int every;
        try {
            every = Integer.parseInt(t.substring(0, colon).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("slow clients '" + text + "': EVERY '" + t.substring(0, colon) + "' is not a whole number");
        }
        try {
            return every(every, DirectionCaps.parse(t.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("slow clients '" + text + "': " + e.getMessage());
        }
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
