fn main() { println!("iamsim"); }
