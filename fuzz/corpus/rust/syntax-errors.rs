fn broken( {
    let x = ;
impl for {}
struct S { a: }
r#"unterminated
