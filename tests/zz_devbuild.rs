#[test]
fn devbuild() {
    let root = std::path::Path::new("/tmp/devroot");
    let _ = std::fs::remove_dir_all("/tmp/devsite");
    xtask::book::build(root, std::path::Path::new("/tmp/devsite")).unwrap();
}
