use items::{Point, Shape};

mod items;

fn main() {
    let point = Point::new(1.0, 2.0);
    println!("{}", point.describe());
    let boxed: Box<dyn Shape<Output = f64>> = Box::new(point);
    std::process::exit(boxed.area() as i32);
}
