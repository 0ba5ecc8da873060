package io.cairn.server.command;

/** Redis's error texts, in one place. Each returns the exception a handler throws. */
public final class Errors {
    private Errors() {
    }

    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String SYNTAX = "ERR syntax error";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String DB_INDEX = "ERR DB index is out of range";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    public static CommandException error(String text) {
        return new CommandException(text);
    }

    public static CommandException notInteger() {
        return new CommandException(NOT_INTEGER);
    }

    public static CommandException syntax() {
        return new CommandException(SYNTAX);
    }

    public static CommandException arity(String name) {
        return new CommandException("ERR wrong number of arguments for '" + name + "' command");
    }

    public static CommandException unknownSubcommand(String sub, String container) {
        return new CommandException("ERR unknown subcommand '" + abbreviate(sub) + "'. Try " + container.toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    public static CommandException invalidExpire(String command) {
        return new CommandException("ERR invalid expire time in '" + command + "' command");
    }

    /** Redis shows at most 128 bytes of a client's argument in an error. */
    public static String abbreviate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
