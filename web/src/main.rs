fn main() {
    iamsim_web::timing::mark("iamsim-start"); // wasm compiled and started: see tests/e2e
    yew::Renderer::<iamsim_web::App>::new().render();
}
