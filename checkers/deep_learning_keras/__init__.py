"""Course "Deep learning with Keras": DataCamp's Keras chapters and Kaggle's red-wine tutorial, in Keras 3."""
