use nn::prelude::*;

network! {
    struct Iris {
        input: 4,
        hidden: Dense<16, Relu>,
        output: Dense<3, Softmax>,
    }
}

fn main() {
    let net = Iris::random(0);
    let x = SVector::<f32, 3>::new(1.0, 2.0, 3.0);
    let _ = net.forward(&x);
}
