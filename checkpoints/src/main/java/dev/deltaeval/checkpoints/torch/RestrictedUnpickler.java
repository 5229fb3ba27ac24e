package dev.deltaeval.checkpoints.torch;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pickle of a PyTorch state dict without running it. A pickle is a program: its GLOBAL and REDUCE opcodes
 * import and call anything. This reader is a stack machine for the opcodes torch.save's protocol-2 pickles use, and
 * it knows exactly four callables (an OrderedDict, the tensor rebuild function and three storage types); any other
 * global, and any opcode outside the list, is refused with one line before anything is built. Nothing is called:
 * "calls" build inert Java records.
 */
final class RestrictedUnpickler {
    /** A storage a tensor views: its entry key in the archive, element type and length. */
    record StorageRef(String key, DType dtype, long numel) {
    }

    /** A tensor as torch._utils._rebuild_tensor_v2 would build it. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    private record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    private record Tuple(List<Object> items) {
    }

    private static final Object MARK = new Object();
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Map<Global, DType> STORAGES = Map.of(new Global("torch", "FloatStorage"), DType.F32,
            new Global("torch", "HalfStorage"), DType.F16, new Global("torch", "BFloat16Storage"), DType.BF16);
    private static final Set<Global> ALLOWED = Set.of(ORDERED_DICT, REBUILD_TENSOR, new Global("torch", "FloatStorage"),
            new Global("torch", "HalfStorage"), new Global("torch", "BFloat16Storage"));

    private final String where;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private RestrictedUnpickler(String where, byte[] pickle) {
        this.where = where;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The state dict in {@code pickle}: tensor names to tensors, in the file's order. */
    static Map<String, TensorRef> stateDict(String where, byte[] pickle) {
        Object top = new RestrictedUnpickler(where, pickle).run();
        if (!(top instanceof Map<?, ?> map)) {
            throw new CheckpointException(where + ": the pickle holds " + describe(top) + ", not a state dict");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
                throw new CheckpointException(where + ": entry " + e.getKey() + " is " + describe(e.getValue())
                        + ", not a tensor (expected a state dict of tensors)");
            }
            out.put(name, t);
        }
        return out;
    }

    private Object run() {
        try {
            while (true) {
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> in.get();                                        // PROTO
                    case 'c' -> push(global(line(), line()));                     // GLOBAL
                    case 0x93 -> {                                                // STACK_GLOBAL
                        String name = (String) pop();
                        push(global((String) pop(), name));
                    }
                    case 'Q' -> push(persistent(pop()));                          // BINPERSID
                    case 'R' -> {                                                 // REDUCE
                        Object args = pop();
                        push(call(pop(), args));
                    }
                    case 'b' -> build(pop());                                     // BUILD
                    case '(' -> push(MARK);
                    case 't' -> push(new Tuple(popToMark()));
                    case ')' -> push(new Tuple(List.of()));
                    case 0x85 -> push(new Tuple(List.of(pop())));
                    case 0x86 -> {
                        Object b = pop();
                        push(new Tuple(List.of(pop(), b)));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        push(new Tuple(List.of(pop(), b, c)));
                    }
                    case '}' -> push(new LinkedHashMap<Object, Object>());
                    case ']' -> push(new ArrayList<Object>());
                    case 's' -> {
                        Object v = pop();
                        Object k = pop();
                        dict(peek()).put(key(k), v);
                    }
                    case 'u' -> {
                        List<Object> kv = popToMark();
                        Map<Object, Object> d = dict(peek());
                        for (int i = 0; i + 1 < kv.size(); i += 2) {
                            d.put(key(kv.get(i)), kv.get(i + 1));
                        }
                    }
                    case 'a' -> {
                        Object v = pop();
                        list(peek()).add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popToMark();
                        list(peek()).addAll(items);
                    }
                    case 'J' -> push((long) in.getInt());                         // BININT
                    case 'K' -> push((long) (in.get() & 0xFF));                   // BININT1
                    case 'M' -> push((long) (in.getShort() & 0xFFFF));            // BININT2
                    case 0x8a -> push(long1());                                   // LONG1
                    case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                    case 'X' -> push(text(in.getInt()));                          // BINUNICODE
                    case 0x8c -> push(text(in.get() & 0xFF));                     // SHORT_BINUNICODE
                    case 'q' -> memo.put(in.get() & 0xFF, peek());                // BINPUT
                    case 'r' -> memo.put(in.getInt(), peek());                    // LONG_BINPUT
                    case 0x94 -> memo.put(memo.size(), peek());                   // MEMOIZE
                    case 'h' -> push(memo(in.get() & 0xFF));                      // BINGET
                    case 'j' -> push(memo(in.getInt()));                          // LONG_BINGET
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'N' -> push(null);
                    case '.' -> {
                        return pop();
                    }
                    default -> throw refuse(String.format("opcode 0x%02x", op));
                }
                in.order(ByteOrder.LITTLE_ENDIAN);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointException(where + ": the pickle ends before its STOP opcode (truncated file)");
        } catch (ClassCastException | IndexOutOfBoundsException e) {
            throw new CheckpointException(where + ": the pickle is not a state dict torch.save writes (malformed "
                    + "structure)");
        }
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        if (!ALLOWED.contains(g)) {
            throw refuse("the global " + g);
        }
        return g;
    }

    private CheckpointException refuse(String what) {
        return new CheckpointException(where + ": refused: the pickle uses " + what + ", which a state dict of "
                + "tensors never needs (a pickle is code; nothing in it was run)");
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Global type) || !(t.items().get(2) instanceof String key)
                || !(t.items().get(4) instanceof Long numel)) {
            throw new CheckpointException(where + ": unexpected persistent id " + describe(pid)
                    + " (expected ('storage', type, key, location, numel))");
        }
        DType dtype = STORAGES.get(type);
        if (dtype == null) {
            throw new CheckpointException(where + ": storage " + key + " has type " + type
                    + " (expected Float, Half or BFloat16 storage)");
        }
        return new StorageRef(key, dtype, numel);
    }

    private Object call(Object callable, Object args) {
        List<Object> a = args instanceof Tuple t ? t.items() : null;
        if (ORDERED_DICT.equals(callable) && a != null && a.isEmpty()) {
            return new LinkedHashMap<Object, Object>();
        }
        if (REBUILD_TENSOR.equals(callable) && a != null && a.size() >= 4 && a.get(0) instanceof StorageRef s
                && a.get(1) instanceof Long offset && a.get(2) instanceof Tuple size && a.get(3) instanceof Tuple stride) {
            return new TensorRef(s, offset, longs(size), longs(stride));
        }
        throw new CheckpointException(where + ": the pickle calls " + callable + " with " + describe(args)
                + ", which is not how torch.save writes a state dict");
    }

    /** BUILD sets an object's attributes: only a state dict's own _metadata, which is dropped. */
    private void build(Object state) {
        if (!(peek() instanceof Map<?, ?>) || !(state instanceof Map<?, ?> s) || !s.keySet().stream()
                .allMatch("_metadata"::equals)) {
            throw new CheckpointException(where + ": the pickle sets attributes " + describe(state)
                    + " (a state dict carries only _metadata)");
        }
    }

    private long[] longs(Tuple t) {
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) t.items().get(i);
        }
        return out;
    }

    private String line() {
        StringBuilder s = new StringBuilder();
        byte b;
        while ((b = in.get()) != '\n') {
            s.append((char) (b & 0xFF));
            if (s.length() > 256) {
                throw new CheckpointException(where + ": a global name longer than 256 characters (malformed pickle)");
            }
        }
        return s.toString();
    }

    private String text(int length) {
        if (length < 0 || length > in.remaining()) {
            throw new CheckpointException(where + ": a string of " + length + " bytes runs past the pickle's end");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Long long1() {
        int n = in.get() & 0xFF;
        if (n > 8) {
            throw new CheckpointException(where + ": an integer of " + n + " bytes (larger than any tensor size)");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (in.get() & 0xFF) << (8 * i);
        }
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    private Object memo(int i) {
        if (!memo.containsKey(i)) {
            throw new CheckpointException(where + ": the pickle refers to memo entry " + i + ", never stored");
        }
        return memo.get(i);
    }

    private static Object key(Object k) {
        return k instanceof Tuple t ? t.items() : k;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw new CheckpointException(where + ": the pickle pops a MARK (malformed pickle)");
        }
        return o;
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark() {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) {
            throw new CheckpointException(where + ": the pickle closes a MARK it never opened (malformed pickle)");
        }
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.items().size();
        }
        return o instanceof Map ? "a dict" : o instanceof List ? "a list" : o instanceof TensorRef ? "a tensor"
                : o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
