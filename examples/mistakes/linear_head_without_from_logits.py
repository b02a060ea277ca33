# Mistake (KS104): the flower classifier's head has no activation, so it outputs
# logits, but the loss is built without from_logits=True and treats them as
# probabilities. Either add softmax to the head or pass from_logits=True.
import tensorflow as tf
from tensorflow import keras

IMAGE_SIZE = (180, 180)

train_ds = keras.utils.image_dataset_from_directory(
    "flower_photos",
    validation_split=0.2,
    subset="training",
    seed=123,
    image_size=IMAGE_SIZE,
    batch_size=32,
)
val_ds = keras.utils.image_dataset_from_directory(
    "flower_photos",
    validation_split=0.2,
    subset="validation",
    seed=123,
    image_size=IMAGE_SIZE,
    batch_size=32,
)
class_names = train_ds.class_names
train_ds = train_ds.cache().prefetch(tf.data.AUTOTUNE)
val_ds = val_ds.cache().prefetch(tf.data.AUTOTUNE)

model = keras.Sequential([
    keras.layers.Rescaling(1.0 / 255, input_shape=(*IMAGE_SIZE, 3)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(len(class_names)),
])

model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=["accuracy"],
)
model.fit(train_ds, validation_data=val_ds, epochs=10)
