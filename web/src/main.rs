fn main() {
    yew::Renderer::<iamsim_web::App>::new().render();
}
