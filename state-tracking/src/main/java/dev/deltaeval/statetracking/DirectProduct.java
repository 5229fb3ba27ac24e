package dev.deltaeval.statetracking;

/**
 * G1 x G2, elements as itertools.product(G1, G2) orders them: index = i1 * |G2| + i2 (the left factor most
 * significant), composition component-wise.
 */
public record DirectProduct(FiniteGroup left, FiniteGroup right) implements FiniteGroup {
    @Override
    public String name() {
        return left.name() + "_x_" + right.name();
    }

    @Override
    public int order() {
        return left.order() * right.order();
    }

    @Override
    public int mul(int a, int b) {
        int n = right.order();
        return left.mul(a / n, b / n) * n + right.mul(a % n, b % n);
    }

    @Override
    public String elementName(int i) {
        int n = right.order();
        return "(" + left.elementName(i / n) + ", " + right.elementName(i % n) + ")";
    }
}
