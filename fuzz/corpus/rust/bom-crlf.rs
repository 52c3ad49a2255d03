pub fn with_bom() -> u8 {
    1
}
