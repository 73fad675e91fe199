fn main() {
    let paths = ch01::figures::write_figures(std::path::Path::new("book/figures")).unwrap();
    println!("{paths:?}");
    std::fs::create_dir_all("book/output").unwrap();
    std::fs::write("book/output/ch01.txt", ch01::report().unwrap()).unwrap();
}
