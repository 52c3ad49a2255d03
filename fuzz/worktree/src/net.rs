pub fn connect(port: u32) -> u32 {
    port + 1
}
