use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        hidden: Dense<8, Relu>,
        output: Dense<3, Softmax>,
    }
}

fn main() {
    let net = Net::random(0);
    let x = SMatrix::<f32, 4, 2>::zeros();
    let y = SMatrix::<f32, 3, 2>::zeros();
    let _ = net.loss(&x, &y, &BinaryCrossEntropy);
}
