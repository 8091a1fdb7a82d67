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
    let batch = SMatrix::<f32, 5, 32>::zeros();
    let _ = net.forward_batch(&batch);
}
