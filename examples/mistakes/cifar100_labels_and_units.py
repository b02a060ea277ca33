# Mistakes (KS108, KS109): CIFAR-100 has 100 classes given as integer ids, but the
# head was copied from a CIFAR-10 script (10 units) and the loss expects one-hot
# labels. Use Dense(100, softmax) and sparse_categorical_crossentropy.
import keras
from keras import layers
from keras.datasets import cifar100

(x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode="fine")
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0

augment = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomTranslation(0.1, 0.1)],
    name="augment",
)

inputs = keras.Input(shape=(32, 32, 3))
x = augment(inputs)
for filters in (64, 128, 256):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)

model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    x_train,
    y_train,
    epochs=60,
    batch_size=128,
    validation_data=(x_test, y_test),
)
