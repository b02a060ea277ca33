# Right: single-label classification of small colour images with one-hot labels.
# A 2D convnet ends in Flatten and a softmax head with one unit per class;
# to_categorical labels go with categorical_crossentropy.
# Style: tf.keras, a Sequential grown with model.add, layers imported by name.
import tensorflow as tf
from tensorflow.keras.datasets import cifar10
from tensorflow.keras.layers import (
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPooling2D,
    RandomFlip,
    Rescaling,
)
from tensorflow.keras.models import Sequential
from tensorflow.keras.utils import to_categorical

num_classes = 10

(x_train, y_train), (x_test, y_test) = cifar10.load_data()
y_train = to_categorical(y_train, num_classes)
y_test = to_categorical(y_test, num_classes)

model = Sequential()
model.add(Rescaling(1.0 / 255, input_shape=(32, 32, 3)))
model.add(RandomFlip("horizontal"))
model.add(Conv2D(32, (3, 3), padding="same", activation="relu"))
model.add(Conv2D(32, (3, 3), activation="relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Conv2D(64, (3, 3), padding="same", activation="relu"))
model.add(Conv2D(64, (3, 3), activation="relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(512, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(num_classes, activation="softmax"))

model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=3e-4),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=40,
    validation_data=(x_test, y_test),
    shuffle=True,
)
model.save("cifar10_convnet.keras")
