"""Course "Neural networks from scratch" (numpy): forward propagation, gradient descent,
the perceptron, softmax and a hidden layer. See docs/courses/nn_from_scratch.md."""
