package dev.deltaeval.statetracking;

/** Z_n: element i is a^i, composition adds exponents modulo n. */
public record CyclicGroup(int order) implements FiniteGroup {
    @Override
    public String name() {
        return "Z" + order;
    }

    @Override
    public int mul(int a, int b) {
        return (a + b) % order;
    }

    @Override
    public String elementName(int i) {
        return i == 0 ? "e" : i == 1 ? "a" : "a^" + i;
    }
}
