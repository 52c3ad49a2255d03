package com.example.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import static java.lang.Math.PI;
import com.example.util.*;

/** Shapes with areas. */
public abstract class Shapes<T extends Comparable<? super T>> implements Comparable<Shapes<T>>, Describable {
    public static final double UNIT = 1.0;
    private final List<T> tags = new ArrayList<>();
    protected int count;

    protected Shapes() {
        this(0);
    }

    protected Shapes(int count) {
        super();
        this.count = count;
    }

    public abstract double area();

    @Override
    public int compareTo(Shapes<T> other) {
        return Double.compare(area(), other.area());
    }

    public String describe() {
        return getClass().getSimpleName() + " " + this.area();
    }

    public static <R> List<R> mapAll(List<Shapes<?>> shapes, Function<Shapes<?>, R> mapper) {
        List<R> out = new ArrayList<>();
        for (Shapes<?> shape : shapes) {
            out.add(mapper.apply(shape));
        }
        shapes.forEach(s -> out.add(mapper.apply(s)));
        return out;
    }

    public static final class Circle extends Shapes<String> {
        private final double radius;

        public Circle(double radius) {
            this.radius = radius;
        }

        @Override
        public double area() {
            return PI * radius * radius;
        }
    }

    enum Kind {
        ROUND("r") {
            @Override
            String code() { return "R"; }
        },
        SQUARE("s");

        private final String tag;

        Kind(String tag) { this.tag = tag; }

        String code() { return tag; }
    }

    record Pair<A, B>(A first, B second) {
        Pair {
            if (first == null) throw new IllegalArgumentException("first");
        }
    }

    interface Visitor<R> {
        R visit(Circle circle);

        default R fallback() { return null; }
    }

    @interface Marker {
        String value() default "";
    }

    static int classify(Object value) {
        return switch (value) {
            case Integer i when i > 0 -> 1;
            case String s -> s.length();
            default -> {
                Runnable task = new Runnable() {
                    @Override
                    public void run() {
                        System.out.println(value);
                    }
                };
                task.run();
                yield 0;
            }
        };
    }
}
