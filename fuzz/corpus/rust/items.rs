//! Items of every kind.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap as Map};
use std::fmt::{self, Display};
use crate::net::{connect, self as network};
use super::*;

pub mod inner {
    pub(crate) fn helper() -> u32 {
        super::CONSTANT
    }

    pub mod deeper {
        pub fn call() -> u32 {
            crate::items::inner::helper() + super::super::CONSTANT
        }
    }
}

#[path = "other_file.rs"]
mod other;

pub const CONSTANT: u32 = 7;
static mut COUNTER: u32 = 0;
pub type Alias<T> = Result<T, Error>;

#[derive(Debug, Clone, PartialEq)]
pub struct Point<T: Copy = f64> {
    pub x: T,
    y: T,
}

pub struct Unit;
pub struct Tuple(pub u8, String);

pub enum Error {
    NotFound { path: String },
    Io(std::io::Error),
    Other,
}

pub trait Shape: Display + Send {
    const SIDES: usize;
    type Output;
    fn area(&self) -> f64;
    fn describe(&self) -> String {
        format!("{} with area {}", self, self.area())
    }
}

impl<T: Copy + Into<f64>> Point<T> {
    pub fn new(x: T, y: T) -> Self {
        Self { x, y }
    }

    pub fn norm(&self) -> f64 {
        let (x, y): (f64, f64) = (self.x.into(), self.y.into());
        (x * x + y * y).sqrt()
    }
}

impl fmt::Display for Point<f64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

impl Shape for Point<f64> {
    const SIDES: usize = 0;
    type Output = f64;
    fn area(&self) -> f64 {
        0.0
    }
}

impl<'a, T> From<&'a [T]> for Tuple where T: Display {
    fn from(items: &'a [T]) -> Tuple {
        Tuple(items.len() as u8, items.iter().map(|i| i.to_string()).collect())
    }
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

pub async fn run(points: Vec<Point>) -> Alias<f64> {
    let mut map: Map<u32, Point> = Map::new();
    let total = points.iter().map(Point::norm).fold(0.0, |a, b| a + b);
    if let Some(p) = points.first() && p.x > 0.0 {
        map.insert(1, p.clone());
    }
    let closure = move |v: u32| -> u32 { square!(v) + connect(v) };
    match map.get(&1) {
        Some(Point { x, .. }) if *x > 1.0 => Ok(*x),
        Some(_) | None => Err(Error::Other),
    }?;
    unsafe { COUNTER += 1 };
    let _ = network::connect(closure(2));
    Ok(<Point as Shape>::area(&points[0]) + total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_of_unit() {
        assert_eq!(Point::new(3.0, 4.0).norm(), 5.0);
    }
}
