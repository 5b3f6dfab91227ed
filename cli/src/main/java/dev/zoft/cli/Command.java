package dev.zoft.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code zoft} subcommand: a thin layer that parses arguments and calls the library. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The full usage text of this command. */
    String usage();

    /** Runs the command; returns the process exit status. */
    int run(List<String> args, PrintStream out) throws Exception;
}
