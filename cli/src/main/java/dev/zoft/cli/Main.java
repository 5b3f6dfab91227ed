package dev.zoft.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code zoft} command. Usage mistakes print the usage and exit 2; failures
 * print one line naming the problem and exit 1 (set {@code ZOFT_DEBUG=1} for the stack trace).
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new SimulateCommand(), new FinetuneCommand(),
            new EvalCommand(), new ApplyCommand(), new ExportCommand(), new PlotCommand(), new ExperimentCommand(),
            new DemoCommand(), new EmbedCommand(), new ServerCommand(), new ClientCommand(), new PlanCommand());

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command line; returns the exit status (the testable core of {@link #main}). */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            if (argv.length > 1) {
                Command c = find(argv[1]);
                if (c != null) {
                    out.println(c.usage());
                    return 0;
                }
            }
            out.println(overview());
            return argv.length == 0 ? 2 : 0;
        }
        Command command = find(argv[0]);
        if (command == null) {
            err.println("zoft: unknown command '" + argv[0] + "'");
            err.println(overview());
            return 2;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out);
        } catch (UsageException e) {
            err.println("zoft " + command.name() + ": " + e.getMessage());
            err.println(command.usage());
            return 2;
        } catch (Exception | OutOfMemoryError e) {
            err.println("zoft " + command.name() + ": error: " + describe(e));
            if (System.getenv("ZOFT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    private static Command find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    private static String overview() {
        StringBuilder sb = new StringBuilder("""
                zoft - zeroth-order finetuning of transformer language models, in pure Java

                usage: zoft <command> [options]      (zoft help <command> for its options)

                commands:
                """);
        for (Command c : COMMANDS) {
            sb.append(String.format("  %-9s %s%n", c.name(), c.summary()));
        }
        return sb.toString().stripTrailing();
    }
}
