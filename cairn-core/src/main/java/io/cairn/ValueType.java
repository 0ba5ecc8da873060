package io.cairn;

/** What a key holds: Redis's types, by the names its TYPE command answers. */
public enum ValueType {
    STRING("string"), HASH("hash"), LIST("list"), SET("set"), SORTED_SET("zset");

    private final String redisName;

    ValueType(String redisName) {
        this.redisName = redisName;
    }

    /** The name Redis's TYPE command gives it. */
    public String redisName() {
        return redisName;
    }

    /** The type of a cell's type code ({@code io.cairn.index.Cells}). */
    static ValueType ofCode(int code) {
        return switch (code) {
            case 0 -> STRING;
            case 1 -> HASH;
            case 2 -> LIST;
            case 3 -> SET;
            case 4 -> SORTED_SET;
            default -> throw new IllegalArgumentException("type code " + code);
        };
    }

    int code() {
        return ordinal();
    }
}
