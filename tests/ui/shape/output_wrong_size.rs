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
    let y: SVector<f32, 2> = net.forward(&SVector::zeros());
    let _ = y;
}
