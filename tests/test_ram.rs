//! placeholder: the RAM bill of networks, gradients and optimizer state
