package dev.zoft.cli;

/** The shared {@code --threads} option: sets the worker pool size before any model is built. */
final class Threads {
    private Threads() {
    }

    static void apply(Args args) {
        int threads = args.integer("threads", 0, 1, 1024);
        if (threads > 0) {
            System.setProperty("zoft.threads", Integer.toString(threads));
        }
    }
}
