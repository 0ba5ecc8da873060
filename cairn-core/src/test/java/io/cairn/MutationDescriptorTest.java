package io.cairn;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MutationDescriptorTest {

    private static ByteBuffer encode(Mutation m) {
        ByteBuffer b = ByteBuffer.allocate((int) MutationDescriptor.size(m)).order(ByteOrder.LITTLE_ENDIAN);
        MutationDescriptor.encode(m, b);
        assertThat(b.remaining()).as("size() must be exact for %s", m).isZero();
        return b.flip();
    }

    private static Mutation roundTrip(Mutation m) {
        return MutationDescriptor.decode(encode(m));
    }

    @Test
    void put_layoutMatchesTheDocumentedExample() {
        ByteBuffer b = encode(new Mutation.Put(0, new byte[] {'k'}, new byte[] {'v'}, 0));
        assertThat(b.limit()).isEqualTo(23);
        assertThat(b.get(0)).isEqualTo(MutationDescriptor.PUT);
        assertThat(b.getInt(1)).isZero();            // keyspace id
        assertThat(b.getLong(5)).isZero();           // no expiry
        assertThat(b.getInt(13)).isEqualTo(1);       // key length
        assertThat(b.get(17)).isEqualTo((byte) 'k');
        assertThat(b.getInt(18)).isEqualTo(1);       // value length
        assertThat(b.get(22)).isEqualTo((byte) 'v');
    }

    @Test
    void everyMutation_roundTrips() {
        Random r = new Random(7);
        byte[] key = new byte[300];
        byte[] value = new byte[70_000];
        r.nextBytes(key);
        r.nextBytes(value);
        List<Mutation> all = List.of(
                new Mutation.Put(3, key, value, 1_700_000_000_123L),
                new Mutation.Put(0, new byte[0], new byte[0], 0),
                new Mutation.Delete(9, key),
                new Mutation.Expire(2, key, 42),
                new Mutation.Clear(5),
                new Mutation.CreateKeyspace(7, "users ✓", IndexKind.ORDERED),
                new Mutation.DropKeyspace(7),
                new Mutation.RenameKeyspace(1, "renamed"),
                new Mutation.CopyKeyspace(1, 8, "copy", IndexKind.HASH),
                new Mutation.ConvertKeyspace(1, IndexKind.ORDERED));
        for (Mutation m : all) {
            Mutation back = roundTrip(m);
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
        Mutation.Batch batch = new Mutation.Batch(all);
        assertThat(roundTrip(batch)).usingRecursiveComparison().isEqualTo(batch);
    }

    @Test
    void decode_rejectsWhatDoesNotParse() {
        assertThatThrownBy(() -> MutationDescriptor.decode(ByteBuffer.wrap(new byte[] {99})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mutation type 99");
        ByteBuffer truncated = encode(new Mutation.Put(0, new byte[] {1, 2, 3}, new byte[] {4}, 0));
        truncated.limit(truncated.limit() - 1);
        assertThatThrownBy(() -> MutationDescriptor.decode(truncated)).isInstanceOf(RuntimeException.class);
        ByteBuffer lying = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        lying.put(MutationDescriptor.DELETE).putInt(0).putInt(Integer.MAX_VALUE).flip();
        assertThatThrownBy(() -> MutationDescriptor.decode(lying))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte string of");
        ByteBuffer nested = encode(new Mutation.Batch(List.of(new Mutation.Batch(List.of(new Mutation.Clear(0))))));
        assertThatThrownBy(() -> MutationDescriptor.decode(nested)).hasMessageContaining("nested batch");
    }
}
