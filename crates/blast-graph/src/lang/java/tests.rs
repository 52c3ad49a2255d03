//! Java extraction and resolution on small multi-file fixtures. A fixture
//! is one string with `// file: PATH` lines starting each file.

use std::sync::Arc;

use crate::{ExtractOptions, Graph, GraphOptions, Resolution, SourceFile, extract_all};

fn sources(fixture: &str) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.trim_start().strip_prefix("// file: ") {
            files.push(SourceFile {
                path: path.trim().to_owned(),
                bytes: Vec::new(),
            });
        } else if let Some(file) = files.last_mut() {
            file.bytes.extend_from_slice(line.as_bytes());
            file.bytes.push(b'\n');
        }
    }
    files
}

fn build(fixture: &str) -> Graph {
    let extracted: Vec<_> = extract_all(&sources(fixture), &ExtractOptions::default())
        .into_iter()
        .map(Arc::new)
        .collect();
    Graph::build(&extracted, &GraphOptions::default())
}

/// Edges as `source -> target (kind)`, exact ones only.
fn exact_edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Exact)
        .map(|e| {
            format!(
                "{} -> {} ({})",
                graph.symbols[e.source as usize].name,
                graph.symbols[e.target as usize].name,
                e.kind
            )
        })
        .collect()
}

/// Candidate edges as `source -> target (kind) weight`.
fn candidate_edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Candidate)
        .map(|e| {
            format!(
                "{} -> {} ({}) {}",
                graph.symbols[e.source as usize].name,
                graph.symbols[e.target as usize].name,
                e.kind,
                e.weight
            )
        })
        .collect()
}

/// Lists every edge, exact and candidate, from or to symbols whose names
/// start with `prefix`, sorted, to compare a fixture's whole output.
fn edges_touching(graph: &Graph, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = exact_edges(graph)
        .into_iter()
        .chain(candidate_edges(graph))
        .filter(|e| e.split(" -> ").any(|side| side.starts_with(prefix)))
        .collect();
    out.sort();
    out
}

#[track_caller]
fn assert_has(edges: &[String], expected: &str) {
    assert!(
        edges.iter().any(|e| e == expected),
        "missing edge `{expected}` in:\n{}",
        edges.join("\n")
    );
}

#[track_caller]
fn assert_lacks(edges: &[String], unexpected: &str) {
    assert!(
        !edges.iter().any(|e| e == unexpected),
        "unexpected edge `{unexpected}` in:\n{}",
        edges.join("\n")
    );
}

/// Lists everything that depends on `name`, transitively, by following
/// exact and candidate edges backwards. As in blast's reach, a dependent
/// found through an edge that does not propagate (import, re-export, scope)
/// or through an edge into a module is listed but not searched further.
fn dependents_of(graph: &Graph, name: &str) -> Vec<String> {
    let start = graph
        .symbols
        .iter()
        .position(|s| s.name == name)
        .unwrap_or_else(|| panic!("no symbol {name}"));
    let mut seen = vec![false; graph.symbols.len()];
    seen[start] = true;
    let mut queue = vec![u32::try_from(start).unwrap()];
    let mut out = Vec::new();
    while let Some(node) = queue.pop() {
        let into_module = graph.symbols[node as usize].kind == crate::SymbolKind::Module;
        for edge in graph.dependents(node) {
            if edge.kind == crate::EdgeKind::Scope || seen[edge.source as usize] {
                continue;
            }
            seen[edge.source as usize] = true;
            out.push(graph.symbols[edge.source as usize].name.clone());
            if edge.kind.propagates() && !into_module {
                queue.push(edge.source);
            }
        }
    }
    out.sort();
    out
}

fn names(graph: &Graph) -> Vec<(String, String)> {
    graph
        .symbols
        .iter()
        .map(|s| (s.name.clone(), s.kind.name().to_owned()))
        .collect()
}

#[test]
fn symbols_nest_with_signatures() {
    let graph = build(
        "// file: src/main/java/com/example/Shapes.java
package com.example;

import java.util.List;

public class Shapes<T extends Comparable<T>> {
    public static final int LIMIT = 3;
    private int a, b;
    static { LIMIT_CHECK(); }
    static { }
    public Shapes(int size) { }
    public <R> R map(java.util.List<? extends T> items, Order.Line[] lines, String... rest) { return null; }
    int legacy(int values[]) { return 0; }
    public static class Inner {
        void run() {
            class Local { void go() { } }
            Runnable task = new Runnable() {
                public void run() { }
            };
        }
    }
    enum Color { RED(1), GREEN(2) { int shade() { return 1; } }; Color(int v) { } }
    record Point(int x, int y) { Point { } }
    @interface Marker { String value() default \"\"; }
    interface Visitor { void visit(Object o); }
}
",
    );
    let names = names(&graph);
    for (name, kind) in [
        ("com.example.Shapes.java", "module"),
        ("com.example.Shapes", "class"),
        ("com.example.Shapes.LIMIT", "constant"),
        ("com.example.Shapes.a", "field"),
        ("com.example.Shapes.b", "field"),
        ("com.example.Shapes.<clinit>", "method"),
        ("com.example.Shapes.<clinit>#2", "method"),
        ("com.example.Shapes.Shapes(int)", "constructor"),
        (
            "com.example.Shapes.map(List,Order.Line[],String...)",
            "method",
        ),
        ("com.example.Shapes.legacy(int[])", "method"),
        ("com.example.Shapes.Inner", "class"),
        ("com.example.Shapes.Inner.run()", "method"),
        ("com.example.Shapes.Inner.run().Local", "class"),
        ("com.example.Shapes.Inner.run().Local.go()", "method"),
        (
            "com.example.Shapes.Inner.run().<anonymous Runnable>",
            "class",
        ),
        (
            "com.example.Shapes.Inner.run().<anonymous Runnable>.run()",
            "method",
        ),
        ("com.example.Shapes.Color", "enum"),
        ("com.example.Shapes.Color.RED", "constant"),
        ("com.example.Shapes.Color.GREEN", "constant"),
        ("com.example.Shapes.Color.GREEN.shade()", "method"),
        ("com.example.Shapes.Color.Color(int)", "constructor"),
        ("com.example.Shapes.Point", "record"),
        ("com.example.Shapes.Point.x", "field"),
        ("com.example.Shapes.Point.Point(int,int)", "constructor"),
        ("com.example.Shapes.Marker", "interface"),
        ("com.example.Shapes.Marker.value()", "method"),
        ("com.example.Shapes.Visitor.visit(Object)", "method"),
    ] {
        assert!(
            names.contains(&(name.to_owned(), kind.to_owned())),
            "missing {name} ({kind}) in {names:#?}"
        );
    }
}

/// Same-package types resolve without imports, `Outer.Inner` through a
/// same-package outer class, and a call through a static field's declared
/// type. A same-named decoy in another package stays apart.
#[test]
fn same_package_nested_class_and_static_field() {
    let graph = build(
        "// file: src/main/java/com/acme/orders/Order.java
package com.acme.orders;
public class Order {
    public static class Line {
        private final int qty;
        public Line(int qty) { this.qty = qty; }
        public int total() { return qty * 2; }
    }
}
// file: src/main/java/com/acme/orders/OrderService.java
package com.acme.orders;
public class OrderService {
    public int sum(Order.Line line) { return line.total(); }
}
// file: src/main/java/com/acme/orders/Pricing.java
package com.acme.orders;
public abstract class Pricing {
    public int price(int qty) { return qty * unit(); }
    protected abstract int unit();
}
// file: src/main/java/com/acme/orders/FlatPricing.java
package com.acme.orders;
class FlatPricing extends Pricing {
    @Override
    protected int unit() { return 3; }
}
// file: src/main/java/com/acme/orders/Registry.java
package com.acme.orders;
public final class Registry {
    public static final Pricing PRICING = new FlatPricing();
    private Registry() { }
}
// file: src/main/java/com/acme/orders/Checkout.java
package com.acme.orders;
public class Checkout {
    public int quote(int qty) { return Registry.PRICING.price(qty); }
}
// file: src/main/java/com/acme/other/Order.java
package com.acme.other;
public class Order {
    public static class Line {
        public int total() { return 0; }
    }
}
",
    );
    let edges = exact_edges(&graph);
    let service = "com.acme.orders.OrderService.sum(Order.Line)";
    let checkout = "com.acme.orders.Checkout.quote(int)";
    assert_has(
        &edges,
        &format!("{service} -> com.acme.orders.Order.Line (type_ref)"),
    );
    assert_has(
        &edges,
        &format!("{service} -> com.acme.orders.Order.Line.total() (call)"),
    );
    assert_has(
        &edges,
        &format!("{checkout} -> com.acme.orders.Registry (type_ref)"),
    );
    assert_has(
        &edges,
        &format!("{checkout} -> com.acme.orders.Registry.PRICING (reference)"),
    );
    assert_has(
        &edges,
        &format!("{checkout} -> com.acme.orders.Pricing.price(int) (call)"),
    );
    assert_has(
        &edges,
        "com.acme.orders.Registry.PRICING -> com.acme.orders.FlatPricing (call)",
    );
    assert_has(
        &edges,
        "com.acme.orders.FlatPricing -> com.acme.orders.Pricing (inherit)",
    );
    assert_has(
        &edges,
        "com.acme.orders.Pricing.unit() -> com.acme.orders.FlatPricing.unit() (override)",
    );

    // The real `total()` reaches both callers; the decoy reaches neither.
    let real = dependents_of(&graph, "com.acme.orders.Order.Line.total()");
    assert!(real.contains(&service.to_owned()), "{real:?}");
    let price = dependents_of(&graph, "com.acme.orders.Pricing.price(int)");
    assert!(price.contains(&checkout.to_owned()), "{price:?}");
    let decoy = dependents_of(&graph, "com.acme.other.Order.Line.total()");
    assert!(decoy.is_empty(), "{decoy:?}");
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );
}

/// Single and on-demand static imports, `import pkg.*`, and static imports
/// that stay local to their file.
#[test]
fn static_and_wildcard_imports() {
    let graph = build(
        "// file: src/main/java/com/acme/util/MathUtil.java
package com.acme.util;
public final class MathUtil {
    private MathUtil() { }
    public static int clamp(int value, int lo, int hi) { return Math.min(hi, Math.max(lo, value)); }
    public static int twice(int value) { return value * 2; }
}
// file: src/main/java/com/acme/util/Strings.java
package com.acme.util;
public final class Strings {
    private Strings() { }
    public static String pad(String s) { return \" \" + s + \" \"; }
}
// file: src/main/java/com/acme/model/Base.java
package com.acme.model;
public abstract class Base {
    public abstract String id();
    public String describe() { return \"base:\" + id(); }
}
// file: src/main/java/com/acme/app/Calc.java
package com.acme.app;
import static com.acme.util.MathUtil.clamp;
public class Calc {
    public int bounded(int v) { return clamp(v, 0, 10); }
}
// file: src/main/java/com/acme/app/Calc2.java
package com.acme.app;
import static com.acme.util.MathUtil.*;
public class Calc2 {
    public int doubled(int v) { return twice(v); }
}
// file: src/main/java/com/acme/app/Impl.java
package com.acme.app;
import com.acme.model.*;
public class Impl extends Base {
    @Override
    public String id() { return \"impl\"; }
    public String show() { return describe(); }
}
// file: src/main/java/com/acme/app/Relay.java
package com.acme.app;
import static com.acme.util.Strings.*;
public class Relay {
    public String wrap(String s) { return pad(s); }
}
// file: src/main/java/com/acme/app/Plain.java
package com.acme.app;
public class Plain {
    static String pad(String s) { return \"[\" + s + \"]\"; }
    public String render(String s) { return pad(s); }
}
",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "com.acme.app.Calc.bounded(int) -> com.acme.util.MathUtil.clamp(int,int,int) (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Calc.java -> com.acme.util.MathUtil.clamp(int,int,int) (import)",
    );
    assert_has(
        &edges,
        "com.acme.app.Calc2.doubled(int) -> com.acme.util.MathUtil.twice(int) (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Calc2.java -> com.acme.util.MathUtil (import)",
    );
    assert_has(&edges, "com.acme.app.Impl -> com.acme.model.Base (inherit)");
    assert_has(
        &edges,
        "com.acme.app.Impl.show() -> com.acme.model.Base.describe() (call)",
    );
    assert_has(
        &edges,
        "com.acme.model.Base.id() -> com.acme.app.Impl.id() (override)",
    );
    assert_has(
        &edges,
        "com.acme.app.Relay.wrap(String) -> com.acme.util.Strings.pad(String) (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Plain.render(String) -> com.acme.app.Plain.pad(String) (call)",
    );
    assert_lacks(
        &edges,
        "com.acme.app.Plain.render(String) -> com.acme.util.Strings.pad(String) (call)",
    );

    let pad = dependents_of(&graph, "com.acme.util.Strings.pad(String)");
    assert_eq!(pad, vec!["com.acme.app.Relay.wrap(String)".to_owned()]);
    // `Impl` inherits `describe()`, so a change to it lists the class too.
    assert_has(
        &edges,
        "com.acme.app.Impl -> com.acme.model.Base.describe() (re_export)",
    );
    let describe = dependents_of(&graph, "com.acme.model.Base.describe()");
    assert_eq!(
        describe,
        vec![
            "com.acme.app.Impl".to_owned(),
            "com.acme.app.Impl.show()".to_owned()
        ]
    );
    assert_eq!(graph.stats.java.imports, 4);
    assert_eq!(graph.stats.java.imports_external, 0);
}

/// Each overload is its own symbol, calls pick one by arity, a delegating
/// overload is no self-loop, and the `List` overload's caller stays apart.
#[test]
fn overloads_are_distinct_and_split_by_arity() {
    let graph = build(
        "// file: src/main/java/com/acme/text/Wrapper.java
package com.acme.text;
import java.util.List;
public class Wrapper {
    public String wrap(String head, String tail) { return wrap(head, tail, \"|\"); }
    public String wrap(String head, String tail, String glue) { return head + glue + tail; }
    public String wrap(List<String> parts) { return String.join(\";\", parts); }
    public boolean ready() { return ready(3); }
    private boolean ready(int budget) { return budget >= 3; }
}
// file: src/main/java/com/acme/text/PairClient.java
package com.acme.text;
public class PairClient {
    public String label(String a, String b) { return new Wrapper().wrap(a, b); }
}
// file: src/main/java/com/acme/text/ListClient.java
package com.acme.text;
import java.util.List;
public class ListClient {
    public String csv(List<String> items) { return new Wrapper().wrap(items); }
}
",
    );
    let edges = edges_touching(&graph, "com.acme.text");
    let expected = [
        "com.acme.text.ListClient.csv(List) -> com.acme.text.ListClient.java (scope)",
        "com.acme.text.ListClient.csv(List) -> com.acme.text.Wrapper (call)",
        "com.acme.text.ListClient.csv(List) -> com.acme.text.Wrapper (type_ref)",
        "com.acme.text.ListClient.csv(List) -> com.acme.text.Wrapper.wrap(List) (call)",
        "com.acme.text.PairClient.label(String,String) -> com.acme.text.Wrapper (call)",
        "com.acme.text.PairClient.label(String,String) -> com.acme.text.Wrapper (type_ref)",
        "com.acme.text.PairClient.label(String,String) -> com.acme.text.Wrapper.wrap(String,String) (call)",
        "com.acme.text.Wrapper.ready() -> com.acme.text.Wrapper.ready(int) (call)",
        "com.acme.text.Wrapper.wrap(List) -> com.acme.text.Wrapper.java (scope)",
        "com.acme.text.Wrapper.wrap(String,String) -> com.acme.text.Wrapper.wrap(String,String,String) (call)",
    ];
    assert_eq!(edges, expected, "{edges:#?}");
    let changed = dependents_of(&graph, "com.acme.text.Wrapper.wrap(String,String,String)");
    assert_eq!(
        changed,
        vec![
            "com.acme.text.PairClient.label(String,String)".to_owned(),
            "com.acme.text.Wrapper.wrap(String,String)".to_owned()
        ]
    );
}

/// A change to an implementation reaches callers of the interface method
/// and of default methods that call it. Calls bind by the receiver's
/// declared type, never by name alone.
#[test]
fn interface_dispatch_and_default_methods() {
    let graph = build(
        "// file: src/main/java/com/acme/shape/Shape.java
package com.acme.shape;
public interface Shape {
    double area();
    default String label() { return \"shape:\" + area(); }
}
// file: src/main/java/com/acme/shape/Circle.java
package com.acme.shape;
public class Circle implements Shape {
    private final double r;
    public Circle(double r) { this.r = r; }
    @Override
    public double area() { return 3.14 * r * r; }
}
// file: src/main/java/com/acme/shape/Square.java
package com.acme.shape;
public class Square implements Shape {
    private final double side;
    public Square(double side) { this.side = side; }
    @Override
    public double area() { return side * side; }
    @Override
    public String label() { return \"square\"; }
}
// file: src/main/java/com/acme/shape/Printer.java
package com.acme.shape;
public class Printer {
    public String show(Shape s) { return s.label(); }
}
// file: src/main/java/com/acme/shape/Areas.java
package com.acme.shape;
import java.util.List;
public class Areas {
    public double total(List<Shape> shapes) {
        double sum = 0;
        for (Shape s : shapes) { sum += s.area(); }
        return sum;
    }
}
// file: src/main/java/com/acme/storage/Parcel.java
package com.acme.storage;
public class Parcel {
    private String label = \"\";
    public void setTag(String value) { this.label = value; }
}
// file: src/main/java/com/acme/storage/Locker.java
package com.acme.storage;
public class Locker {
    private final Parcel parcel = new Parcel();
    public void clear() { parcel.setTag(\"\"); }
    public void setTag(String value) { parcel.setTag(value.trim()); }
}
",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "com.acme.shape.Shape.area() -> com.acme.shape.Circle.area() (override)",
    );
    assert_has(
        &edges,
        "com.acme.shape.Shape.label() -> com.acme.shape.Square.label() (override)",
    );
    assert_has(
        &edges,
        "com.acme.shape.Shape.label() -> com.acme.shape.Shape.area() (call)",
    );
    assert_has(
        &edges,
        "com.acme.shape.Circle -> com.acme.shape.Shape.label() (re_export)",
    );
    assert_lacks(
        &edges,
        "com.acme.shape.Square -> com.acme.shape.Shape.label() (re_export)",
    );
    assert_has(
        &edges,
        "com.acme.shape.Areas.total(List) -> com.acme.shape.Shape.area() (call)",
    );
    assert_has(
        &edges,
        "com.acme.shape.Printer.show(Shape) -> com.acme.shape.Shape.label() (call)",
    );
    assert_has(
        &edges,
        "com.acme.storage.Locker.clear() -> com.acme.storage.Parcel.setTag(String) (call)",
    );
    assert_has(
        &edges,
        "com.acme.storage.Locker.setTag(String) -> com.acme.storage.Parcel.setTag(String) (call)",
    );
    assert_lacks(
        &edges,
        "com.acme.storage.Locker.clear() -> com.acme.storage.Locker.setTag(String) (call)",
    );

    let circle = dependents_of(&graph, "com.acme.shape.Circle.area()");
    for affected in [
        "com.acme.shape.Areas.total(List)",
        "com.acme.shape.Printer.show(Shape)",
        "com.acme.shape.Shape.label()",
    ] {
        assert!(
            circle.contains(&affected.to_owned()),
            "{affected} not in {circle:?}"
        );
    }
    for unaffected in [
        "com.acme.shape.Square.label()",
        "com.acme.shape.Square.area()",
    ] {
        assert!(
            !circle.contains(&unaffected.to_owned()),
            "{unaffected} in {circle:?}"
        );
    }
    let locker = dependents_of(&graph, "com.acme.storage.Locker.setTag(String)");
    assert!(locker.is_empty(), "{locker:?}");
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );
}

#[test]
fn modern_syntax_parses_without_errors() {
    let graph = build(
        r#"// file: src/main/java/com/acme/modern/Shapes.java
package com.acme.modern;

import java.util.List;

public sealed interface Shapes permits Shapes.Circle, Shapes.Square, Shapes.Other {
    record Circle(double radius) implements Shapes { }
    record Square(double side) implements Shapes {
        Square {
            if (side < 0) throw new IllegalArgumentException("side");
        }
    }
    non-sealed class Other implements Shapes { }

    static double area(Shapes shape) {
        return switch (shape) {
            case Circle c when c.radius() > 10 -> 0;
            case Circle(double r) -> Math.PI * r * r;
            case Square s -> {
                var side = s.side();
                yield side * side;
            }
            default -> throw new IllegalStateException();
        };
    }

    static String describe(Object value) {
        var text = """
            A text block with "quotes"
            and two lines.
            """;
        if (value instanceof Square square && square.side() > 1) {
            return text + square;
        }
        List<? extends Shapes> shapes = List.of();
        for (var shape : shapes) {
            text += shape;
        }
        return text;
    }
}
"#,
    );
    assert_eq!(graph.stats.files_with_parse_errors, 0);
    let names = names(&graph);
    for (name, kind) in [
        ("com.acme.modern.Shapes", "interface"),
        ("com.acme.modern.Shapes.Circle", "record"),
        ("com.acme.modern.Shapes.Circle.radius", "field"),
        (
            "com.acme.modern.Shapes.Square.Square(double)",
            "constructor",
        ),
        ("com.acme.modern.Shapes.Other", "class"),
        ("com.acme.modern.Shapes.area(Shapes)", "method"),
    ] {
        assert!(
            names.contains(&(name.to_owned(), kind.to_owned())),
            "missing {name} ({kind}) in {names:#?}"
        );
    }
    let edges = exact_edges(&graph);
    // Pattern variables and `var` locals type their receivers.
    assert_has(
        &edges,
        "com.acme.modern.Shapes.area(Shapes) -> com.acme.modern.Shapes.Circle.radius (call)",
    );
    assert_has(
        &edges,
        "com.acme.modern.Shapes.area(Shapes) -> com.acme.modern.Shapes.Square.side (call)",
    );
    assert_has(
        &edges,
        "com.acme.modern.Shapes.describe(Object) -> com.acme.modern.Shapes.Square.side (call)",
    );
    assert_has(
        &edges,
        "com.acme.modern.Shapes.Other -> com.acme.modern.Shapes (inherit)",
    );
}

/// Deeply nested expressions and long call chains are walked without
/// recursion: extraction and resolution run on a thread with a small stack.
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    const DEPTH: usize = 20_000;
    let mut source = String::from(
        "package deep;\nclass Deep {\n  Deep next() { return this; }\n  int sum() { return ",
    );
    source.push_str(&"(1 + ".repeat(DEPTH));
    source.push('1');
    source.push_str(&")".repeat(DEPTH));
    source.push_str(";\n  }\n  Deep chain() { return this");
    source.push_str(&".next()".repeat(DEPTH));
    source.push_str(";\n  }\n}\n");

    let files = [SourceFile {
        path: "deep/Deep.java".to_owned(),
        bytes: source.into_bytes(),
    }];
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let config = super::config();
            let tree =
                crate::lang::parse(crate::Lang::Java, &config.language, &files[0].bytes).unwrap();
            let (syntax, facts) = super::extract(&files[0].bytes, &tree);
            let resolved = super::resolve(&[super::JavaFile {
                path: &files[0].path,
                syntax: &syntax,
                facts: &facts,
                references: true,
            }]);
            (syntax.symbols.len(), resolved.stats.calls_exact)
        })
        .unwrap();
    let (symbols, calls_exact) = handle
        .join()
        .expect("extraction or resolution overflowed a 256 KiB stack");

    assert_eq!(symbols, 5, "module, class and three methods");
    assert_eq!(
        calls_exact, DEPTH as u64,
        "every `.next()` resolves through the previous one"
    );
}

/// Receivers typed from locals, `var`, parameters, fields, `this`,
/// `super`, casts, constructions and the return types of earlier calls.
#[test]
fn receivers_are_typed_from_declarations() {
    let graph = build(
        "// file: src/main/java/com/acme/repo/Repo.java
package com.acme.repo;
public class Repo {
    public Repo open() { return this; }
    public Entry find(String key) { return new Entry(); }
    public void save() { }
}
// file: src/main/java/com/acme/repo/Entry.java
package com.acme.repo;
public class Entry {
    public String value() { return null; }
}
// file: src/main/java/com/acme/repo/BaseService.java
package com.acme.repo;
public class BaseService {
    public void start() { }
}
// file: src/main/java/com/acme/app/Service.java
package com.acme.app;
import com.acme.repo.BaseService;
import com.acme.repo.Repo;
public class Service extends BaseService {
    private Repo repo;
    private Object anything;
    public void local() { Repo r = new Repo(); r.save(); }
    public void inferred() { var r = new Repo(); r.save(); }
    public void param(Repo given) { given.save(); }
    public void field() { repo.save(); this.repo.save(); }
    public void chain() { repo.open().find(\"k\").value(); }
    public void cast() { ((Repo) anything).save(); }
    public void construct() { new Repo().open(); }
    @Override
    public void start() { super.start(); }
}
",
    );
    let edges = exact_edges(&graph);
    for (caller, target) in [
        ("local()", "Repo.save()"),
        ("inferred()", "Repo.save()"),
        ("param(Repo)", "Repo.save()"),
        ("field()", "Repo.save()"),
        ("chain()", "Repo.open()"),
        ("chain()", "Repo.find(String)"),
        ("chain()", "Entry.value()"),
        ("cast()", "Repo.save()"),
        ("construct()", "Repo.open()"),
        ("start()", "BaseService.start()"),
    ] {
        assert_has(
            &edges,
            &format!("com.acme.app.Service.{caller} -> com.acme.repo.{target} (call)"),
        );
    }
    assert_has(
        &edges,
        "com.acme.app.Service.field() -> com.acme.app.Service.repo (reference)",
    );
    assert_has(
        &edges,
        "com.acme.repo.BaseService.start() -> com.acme.app.Service.start() (override)",
    );
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );
}

/// Overloads of one arity split by the types of literal and declared
/// arguments, with widening, boxing and subtypes. What stays ambiguous
/// becomes weighted candidates.
#[test]
fn overloads_split_by_argument_types() {
    let graph = build(
        "// file: src/main/java/com/acme/Shape.java
package com.acme;
public class Shape { }
// file: src/main/java/com/acme/Circle.java
package com.acme;
public class Circle extends Shape { }
// file: src/main/java/com/acme/Printer.java
package com.acme;
public class Printer {
    void print(int value) { }
    void print(String value) { }
    void print(Shape value) { }
    void print(Object value) { }
    void widen(long value) { }
    void widen(String value) { }
    void twin(Shape a) { }
    void twin(Circle a) { }
    void literals() { print(1); print(\"one\"); print('c'); }
    void declared(Circle circle, Shape shape) { print(circle); print(shape); twin(circle); }
    void widening() { widen(1); widen(\"x\" + 1); }
    void unknown(java.util.List<Shape> items) { print(items.get(0)); }
}
",
    );
    let edges = exact_edges(&graph);
    let printer = "com.acme.Printer";
    assert_has(
        &edges,
        &format!("{printer}.literals() -> {printer}.print(int) (call)"),
    );
    assert_has(
        &edges,
        &format!("{printer}.literals() -> {printer}.print(String) (call)"),
    );
    assert_lacks(
        &edges,
        &format!("{printer}.literals() -> {printer}.print(Shape) (call)"),
    );
    assert_has(
        &edges,
        &format!("{printer}.declared(Circle,Shape) -> {printer}.print(Shape) (call)"),
    );
    assert_lacks(
        &edges,
        &format!("{printer}.declared(Circle,Shape) -> {printer}.print(int) (call)"),
    );
    assert_has(
        &edges,
        &format!("{printer}.declared(Circle,Shape) -> {printer}.twin(Circle) (call)"),
    );
    assert_lacks(
        &edges,
        &format!("{printer}.declared(Circle,Shape) -> {printer}.twin(Shape) (call)"),
    );
    assert_has(
        &edges,
        &format!("{printer}.widening() -> {printer}.widen(long) (call)"),
    );
    assert_has(
        &edges,
        &format!("{printer}.widening() -> {printer}.widen(String) (call)"),
    );

    // `items.get(0)` has an unknown type, so every one-argument overload
    // that takes an object stays possible.
    let mut candidates: Vec<String> = candidate_edges(&graph)
        .into_iter()
        .filter(|e| e.starts_with(&format!("{printer}.unknown(List)")))
        .collect();
    candidates.sort();
    assert_eq!(
        candidates,
        vec![
            format!("{printer}.unknown(List) -> {printer}.print(Object) (call) 0.25"),
            format!("{printer}.unknown(List) -> {printer}.print(Shape) (call) 0.25"),
            format!("{printer}.unknown(List) -> {printer}.print(String) (call) 0.25"),
            format!("{printer}.unknown(List) -> {printer}.print(int) (call) 0.25"),
        ]
    );
}

/// Members inherited through a chain of superclasses and interfaces, and
/// receivers typed by a type parameter's bound.
#[test]
fn inherited_members_resolve_through_supertypes() {
    let graph = build(
        "// file: src/main/java/com/acme/Named.java
package com.acme;
public interface Named {
    int MAX = 3;
    String name();
    default String title() { return name().toUpperCase(); }
}
// file: src/main/java/com/acme/Animal.java
package com.acme;
public abstract class Animal implements Named {
    protected int legs;
    public void walk() { }
}
// file: src/main/java/com/acme/Dog.java
package com.acme;
public class Dog extends Animal {
    public String name() { return \"dog\"; }
    public void run() { walk(); legs = MAX; }
}
// file: src/main/java/com/acme/Kennel.java
package com.acme;
public class Kennel {
    void visit(Dog dog) { dog.walk(); dog.title(); }
    <T extends Animal> void any(T animal) { animal.walk(); }
}
",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "com.acme.Dog.run() -> com.acme.Animal.walk() (call)",
    );
    assert_has(
        &edges,
        "com.acme.Dog.run() -> com.acme.Animal.legs (reference)",
    );
    assert_has(
        &edges,
        "com.acme.Dog.run() -> com.acme.Named.MAX (reference)",
    );
    assert_has(
        &edges,
        "com.acme.Kennel.visit(Dog) -> com.acme.Animal.walk() (call)",
    );
    assert_has(
        &edges,
        "com.acme.Kennel.visit(Dog) -> com.acme.Named.title() (call)",
    );
    assert_has(
        &edges,
        "com.acme.Kennel.any(T) -> com.acme.Animal.walk() (call)",
    );
    assert_has(
        &edges,
        "com.acme.Named.title() -> com.acme.Named.name() (call)",
    );
    // Through `Named.name() -> Dog.name()`, a change to `Dog.name()` reaches
    // the default method and its callers.
    assert_has(
        &edges,
        "com.acme.Named.name() -> com.acme.Dog.name() (override)",
    );
    let dependents = dependents_of(&graph, "com.acme.Dog.name()");
    assert!(
        dependents.contains(&"com.acme.Kennel.visit(Dog)".to_owned()),
        "{dependents:?}"
    );
}

/// A call whose receiver type is unknown links to every repository method
/// of that name and arity, weighted 1/n. `Object` methods and names with
/// too many definitions link to none.
#[test]
fn unknown_receivers_become_weighted_candidates() {
    let mut fixture = String::from(
        "// file: src/main/java/com/acme/A.java
package com.acme;
public class A { public void close() { } public void close(int code) { } }
// file: src/main/java/com/acme/B.java
package com.acme;
public class B { public void close() { } public boolean equals(Object o) { return false; } }
// file: src/main/java/com/acme/Use.java
package com.acme;
import java.util.List;
import java.util.function.Consumer;
public class Use {
    void shutdown(List<Object> things) {
        things.forEach(thing -> thing.close());
        Consumer<Object> check = other -> other.equals(this);
        things.forEach(x -> x.common());
    }
}
",
    );
    for idx in 0..20 {
        fixture.push_str(&format!(
            "// file: src/main/java/com/acme/C{idx}.java\npackage com.acme;\npublic class C{idx} {{ void common() {{ }} }}\n"
        ));
    }
    let graph = build(&fixture);
    let mut candidates: Vec<String> = candidate_edges(&graph)
        .into_iter()
        .filter(|e| e.starts_with("com.acme.Use."))
        .collect();
    candidates.sort();
    assert_eq!(
        candidates,
        vec![
            "com.acme.Use.shutdown(List) -> com.acme.A.close() (call) 0.5".to_owned(),
            "com.acme.Use.shutdown(List) -> com.acme.B.close() (call) 0.5".to_owned(),
        ]
    );
    assert_eq!(
        graph.stats.java.calls_too_ambiguous, 1,
        "`common` has 20 definitions"
    );
    let exact: Vec<String> = exact_edges(&graph)
        .into_iter()
        .filter(|e| e.starts_with("com.acme.Use.") && e.ends_with("(call)"))
        .collect();
    assert!(exact.is_empty(), "{exact:?}");
}

/// JDK types stay outside the graph: a repository class with a JDK type's
/// simple name in another package is not what `List` or `String` means.
#[test]
fn jdk_types_stay_external() {
    let graph = build(
        "// file: src/main/java/com/acme/util/List.java
package com.acme.util;
public class List { public int size() { return 0; } }
// file: src/main/java/com/acme/util/String.java
package com.acme.util;
public class String { public int length() { return 0; } }
// file: src/main/java/com/acme/app/Main.java
package com.acme.app;
import java.util.ArrayList;
import java.util.List;
public class Main {
    int count(List<String> items) { return items.size() + items.get(0).length(); }
    int make() { return new ArrayList<String>().size(); }
}
",
    );
    let edges = edges_touching(&graph, "com.acme.app");
    for edge in &edges {
        assert!(
            !edge.contains("com.acme.util"),
            "JDK name bound to the repository: {edge}"
        );
    }
    assert_eq!(graph.stats.java.imports, 2);
    assert_eq!(graph.stats.java.imports_external, 2);
    assert_eq!(graph.stats.java.imports_unresolved, 0);
    assert_eq!(graph.stats.java.calls_external, 4);
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );
}

/// Two Maven modules that each define `com.acme.Util`: each module's
/// caller binds to its own copy (the longest shared path), and an import of
/// a missing class in a repository package is counted as unresolved.
#[test]
fn duplicate_classes_bind_within_their_module() {
    let graph = build(
        "// file: module-a/src/main/java/com/acme/Util.java
package com.acme;
public class Util { public static void help() { } }
// file: module-a/src/main/java/com/acme/a/UseA.java
package com.acme.a;
import com.acme.Util;
public class UseA { void go() { Util.help(); } }
// file: module-b/src/main/java/com/acme/Util.java
package com.acme;
public class Util { public static void help() { } }
// file: module-b/src/test/java/com/acme/b/UseB.java
package com.acme.b;
import com.acme.Util;
import com.acme.Missing;
public class UseB { void go() { Util.help(); } }
",
    );
    let rows: Vec<(String, String)> = graph
        .edges
        .iter()
        .filter(|e| e.kind == crate::EdgeKind::Call)
        .map(|e| {
            (
                graph.file_of(e.source).path.clone(),
                graph.file_of(e.target).path.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "module-a/src/main/java/com/acme/a/UseA.java".to_owned(),
                "module-a/src/main/java/com/acme/Util.java".to_owned()
            ),
            (
                "module-b/src/test/java/com/acme/b/UseB.java".to_owned(),
                "module-b/src/main/java/com/acme/Util.java".to_owned()
            ),
        ]
    );
    assert_eq!(graph.stats.java.imports_unresolved, 1);
    let modules: Vec<&str> = graph.files.iter().map(|f| f.module.as_str()).collect();
    assert_eq!(
        modules,
        vec!["com.acme", "com.acme.a", "com.acme", "com.acme.b"]
    );
}

/// Anonymous classes override their interface's methods, local classes
/// resolve by simple name, and enum constants reach their constructor and
/// `case` labels reach the constants.
#[test]
fn anonymous_local_classes_and_enums() {
    let graph = build(
        "// file: src/main/java/com/acme/Listener.java
package com.acme;
public interface Listener { void onEvent(String name); }
// file: src/main/java/com/acme/Level.java
package com.acme;
public enum Level {
    LOW(1), HIGH(2);
    private final int weight;
    Level(int weight) { this.weight = weight; }
    public int weight() { return weight; }
}
// file: src/main/java/com/acme/Bus.java
package com.acme;
public class Bus {
    void fire(Listener listener) { listener.onEvent(\"x\"); }
    void register() {
        fire(new Listener() {
            @Override
            public void onEvent(String name) { audit(name); }
        });
        class Counter { int count; void add() { count++; } }
        Counter counter = new Counter();
        counter.add();
    }
    void audit(String name) { }
    int score(Level level) {
        switch (level) {
            case LOW: return 1;
            case HIGH: return level.weight();
        }
        return 0;
    }
}
",
    );
    let edges = exact_edges(&graph);
    let anonymous = "com.acme.Bus.register().<anonymous Listener>";
    assert_has(
        &edges,
        &format!("{anonymous} -> com.acme.Listener (inherit)"),
    );
    assert_has(
        &edges,
        &format!("com.acme.Listener.onEvent(String) -> {anonymous}.onEvent(String) (override)"),
    );
    assert_has(
        &edges,
        &format!("{anonymous}.onEvent(String) -> com.acme.Bus.audit(String) (call)"),
    );
    assert_has(
        &edges,
        "com.acme.Bus.register() -> com.acme.Bus.register().Counter.add() (call)",
    );
    assert_has(
        &edges,
        "com.acme.Bus.register().Counter.add() -> com.acme.Bus.register().Counter.count (reference)",
    );
    assert_has(
        &edges,
        "com.acme.Level.LOW -> com.acme.Level.Level(int) (call)",
    );
    assert_has(
        &edges,
        "com.acme.Bus.score(Level) -> com.acme.Level.LOW (reference)",
    );
    assert_has(
        &edges,
        "com.acme.Bus.score(Level) -> com.acme.Level.HIGH (reference)",
    );
    assert_has(
        &edges,
        "com.acme.Bus.score(Level) -> com.acme.Level.weight() (call)",
    );
    // A change to the anonymous listener reaches every caller of the
    // interface method.
    let dependents = dependents_of(&graph, &format!("{anonymous}.onEvent(String)"));
    assert!(
        dependents.contains(&"com.acme.Bus.fire(Listener)".to_owned()),
        "{dependents:?}"
    );
}

/// Record accessors, method references, qualified and nested names,
/// `outer.new Inner()` and imports of nested classes.
#[test]
fn records_method_references_and_qualified_names() {
    let graph = build(
        "// file: src/main/java/com/acme/geo/Point.java
package com.acme.geo;
public record Point(int x, int y) {
    public static Point origin() { return new Point(0, 0); }
    public int sum() { return x() + y; }
}
// file: src/main/java/com/acme/geo/Grid.java
package com.acme.geo;
public class Grid {
    public class Cell { public void mark() { } }
    public static class Size { public static int cells() { return 0; } }
}
// file: src/main/java/com/acme/app/Draw.java
package com.acme.app;
import com.acme.geo.Grid.Size;
import com.acme.geo.Point;
import java.util.function.Supplier;
public class Draw {
    int x(Point p) { return p.x(); }
    Supplier<Point> factory() { return Point::origin; }
    Object ctor() { java.util.function.Function<Integer, Object> f = Integer::valueOf; return f; }
    int qualified() { return com.acme.geo.Point.origin().sum() + Size.cells(); }
    void inner(com.acme.geo.Grid grid) { grid.new Cell().mark(); }
}
",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "com.acme.geo.Point.sum() -> com.acme.geo.Point.x (call)",
    );
    assert_has(
        &edges,
        "com.acme.geo.Point.sum() -> com.acme.geo.Point.y (reference)",
    );
    // The canonical constructor is implicit, so the call goes to the record.
    assert_has(
        &edges,
        "com.acme.geo.Point.origin() -> com.acme.geo.Point (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.x(Point) -> com.acme.geo.Point.x (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.factory() -> com.acme.geo.Point.origin() (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.qualified() -> com.acme.geo.Point.origin() (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.qualified() -> com.acme.geo.Point.sum() (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.qualified() -> com.acme.geo.Grid.Size.cells() (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.inner(Grid) -> com.acme.geo.Grid.Cell (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.inner(Grid) -> com.acme.geo.Grid.Cell.mark() (call)",
    );
    assert_has(
        &edges,
        "com.acme.app.Draw.java -> com.acme.geo.Grid.Size (import)",
    );
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );
}

/// A definition that uses a name bound by a single-type or single static
/// import gets a scope edge to its file on that import's line. A name
/// declared in the file itself or imported on demand gets none.
#[test]
fn imports_bind_names_with_scope_edges() {
    let graph = build(
        "// file: src/main/java/com/acme/Tool.java
package com.acme;
public class Tool { public static final int SIZE = 1; public static int twice(int v) { return v; } }
// file: src/main/java/com/acme/app/Use.java
package com.acme.app;

import com.acme.Tool;
import static com.acme.Tool.SIZE;
import static com.acme.Tool.twice;
import java.util.*;

public class Use {
    Tool tool() { return null; }
    int size() { return SIZE; }
    int twiceSize() { return twice(2); }
    List<String> names() { return null; }
    Use self() { return this; }
}
",
    );
    let scope: Vec<(String, u32)> = graph
        .edges
        .iter()
        .filter(|e| e.kind == crate::EdgeKind::Scope)
        .map(|e| (graph.symbols[e.source as usize].name.clone(), e.line))
        .collect();
    assert_eq!(
        scope,
        vec![
            ("com.acme.app.Use.tool()".to_owned(), 3),
            ("com.acme.app.Use.size()".to_owned(), 4),
            ("com.acme.app.Use.twiceSize()".to_owned(), 5),
        ]
    );
}

/// Extracts and resolves one file on a thread with a 256 KiB stack and
/// returns the resolved edges, so that unbounded recursion fails the test
/// with a stack overflow instead of passing on a large main-thread stack.
fn resolve_on_small_stack(path: &str, source: String) -> Vec<crate::model::LocalEdge> {
    let path = path.to_owned();
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let config = super::config();
            let bytes = source.into_bytes();
            let tree = crate::lang::parse(crate::Lang::Java, &config.language, &bytes).unwrap();
            let (syntax, facts) = super::extract(&bytes, &tree);
            super::resolve(&[super::JavaFile {
                path: &path,
                syntax: &syntax,
                facts: &facts,
                references: true,
            }])
            .edges
        })
        .unwrap()
        .join()
        .expect("resolution overflowed a 256 KiB stack")
}

/// A type parameter whose bound names itself, directly or through error
/// recovery that puts the parameter on the module symbol, resolves to a
/// type variable without a bound instead of recursing without end.
#[test]
fn self_bounded_type_parameters_terminate() {
    // Found by the fuzzer: the parameter lands on the module symbol, whose
    // bound lookup starts at the module symbol again.
    resolve_on_small_stack("Fuzz.java", "s s<T extends C r c<>e T".to_owned());

    let edges = resolve_on_small_stack(
        "p/A.java",
        "package p;\nclass A<T extends T> {\n  T value;\n  void use() { value.run(); }\n}\n"
            .to_owned(),
    );
    assert!(
        edges.iter().all(|edge| edge.source != edge.target),
        "a self-bounded parameter links nothing to itself: {edges:?}"
    );

    // Parameters bounded by each other in a cycle.
    resolve_on_small_stack(
        "p/B.java",
        "package p;\nclass B<T extends U, U extends T> {\n  T t;\n  void use() { t.run(); }\n}\n"
            .to_owned(),
    );
}

/// Generic classes nested thousands of levels deep, each bounding its
/// parameter by the enclosing class's parameter: bound resolution stops at
/// a fixed depth and the innermost bound is unknown, without recursing
/// once per level.
#[test]
fn deeply_nested_bounds_are_depth_limited() {
    const DEPTH: usize = 2_000;
    let mut source = String::from("package p;\nclass C0<T0> {\n");
    for level in 1..DEPTH {
        source.push_str(&format!(
            "class C{level}<T{level} extends T{}> {{\n",
            level - 1
        ));
    }
    source.push_str(&format!("T{} last;\n", DEPTH - 1));
    source.push_str(&"}\n".repeat(DEPTH));
    resolve_on_small_stack("p/C0.java", source);
}

/// Dotted names of tens of thousands of segments, as a field's type, an
/// import and an expression, cost name lookups in proportion to their
/// length: every prefix lookup hashes the whole prefix, so trying each
/// prefix of such a name would hash billions of bytes.
#[test]
fn long_dotted_names_resolve_in_linear_work() {
    const SEGMENTS: usize = 20_000;
    let dotted: Vec<String> = (0..SEGMENTS).map(|idx| format!("s{idx}")).collect();
    let dotted = dotted.join(".");
    let source = format!(
        "package p;\nimport {dotted};\nclass A {{\n  {dotted} field;\n  Object f() {{ return {dotted}; }}\n}}\n"
    );
    let source_len = source.len() as u64;
    let files = [SourceFile {
        path: "p/A.java".to_owned(),
        bytes: source.into_bytes(),
    }];
    let config = super::config();
    let tree = crate::lang::parse(crate::Lang::Java, &config.language, &files[0].bytes).unwrap();
    let (syntax, facts) = super::extract(&files[0].bytes, &tree);
    let resolved = super::resolve(&[super::JavaFile {
        path: &files[0].path,
        syntax: &syntax,
        facts: &facts,
        references: true,
    }]);

    let looked_up = resolved.stats.name_bytes_looked_up;
    assert!(
        looked_up < 4 * source_len,
        "{looked_up} bytes of names looked up for a {source_len}-byte source"
    );
    assert_eq!(resolved.stats.imports, 1);
    assert_eq!(resolved.stats.imports_external, 1);
}

#[test]
fn override_with_imported_nested_type_hides_its_parent() {
    let graph = build(
        "// file: src/p/Response.java
package p;
public interface Response {
    interface Handler {}
}
// file: src/p/Client.java
package p;
public abstract class Client {
    public abstract int send(String req, Response.Handler handler);
}
// file: src/p/ClientImpl.java
package p;
import p.Response.Handler;
class ClientImpl extends Client {
    @Override
    public int send(String req, Handler handler) { return 0; }
}
// file: src/p/Facade.java
package p;
class Facade {
    final ClientImpl impl;
    Facade(ClientImpl impl) { this.impl = impl; }
    int send(String req, Response.Handler handler) {
        return impl.send(req, handler);
    }
}
",
    );
    let exact = exact_edges(&graph);
    assert!(
        exact.contains(
            &"p.Facade.send(String,Response.Handler) -> p.ClientImpl.send(String,Handler) (call)"
                .to_owned()
        ),
        "{exact:#?}"
    );
    let candidates = candidate_edges(&graph);
    assert!(
        !candidates.iter().any(|e| e.starts_with("p.Facade.send")),
        "{candidates:#?}"
    );
}

/// A file read for its declarations only still declares its types and
/// their place in the hierarchy, so other files resolve through it, but
/// its own imports, type uses and calls give no edges.
#[test]
fn declarations_only_files_give_hierarchy_edges_only() {
    let fixture = "// file: src/p/Base.java
package p;
public class Base {
    public int size() { return 0; }
}
// file: src/p/Sub.java
package p;
import java.util.List;
public class Sub extends Base {
    Base other;
    @Override public int size() { return other.size() + 1; }
}
// file: src/p/User.java
package p;
class User {
    int use(Sub sub) { return sub.size(); }
}
";
    let extracted: Vec<_> = extract_all(&sources(fixture), &ExtractOptions::default())
        .into_iter()
        .map(Arc::new)
        .collect();
    let full = exact_edges(&Graph::build(&extracted, &GraphOptions::default()));
    assert_has(&full, "p.Sub.size() -> p.Base.size() (call)");
    assert_has(&full, "p.Sub.other -> p.Base (type_ref)");

    let mut options = GraphOptions::default();
    options
        .declarations_only
        .insert("src/p/Sub.java".to_owned());
    let partial = exact_edges(&Graph::build(&extracted, &options));
    assert_lacks(&partial, "p.Sub.size() -> p.Base.size() (call)");
    assert_lacks(&partial, "p.Sub.other -> p.Base (type_ref)");
    assert_has(&partial, "p.Sub -> p.Base (inherit)");
    assert_has(&partial, "p.Base.size() -> p.Sub.size() (override)");
    assert_has(&partial, "p.User.use(Sub) -> p.Sub.size() (call)");
    let from_sub = |edges: &[String]| {
        edges
            .iter()
            .filter(|e| !e.starts_with("p.Sub"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(from_sub(&full), from_sub(&partial));
}
