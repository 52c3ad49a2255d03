pub mod net;

pub fn start() -> u32 {
    net::connect(1)
}
