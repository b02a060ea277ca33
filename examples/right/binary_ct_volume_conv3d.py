# Right: telling scans with a lesion from scans without, one 3D volume per sample.
# 3D convolutions see depth, height and width together; global 3D pooling feeds a
# one-unit sigmoid head trained with binary_crossentropy on 0/1 targets.
# Style: `from keras import layers, models`, a Sequential built with model.add.
import numpy as np
from keras import layers, models, optimizers

DEPTH, HEIGHT, WIDTH = 64, 128, 128


def load_scans(prefix):
    volumes = np.load(f"{prefix}_volumes.npy").astype("float32")
    volumes = np.clip(volumes, -1000, 400)
    volumes = (volumes + 1000) / 1400
    has_lesion = np.load(f"{prefix}_has_lesion.npy").astype("float32")
    return volumes[..., np.newaxis], has_lesion


x_train, y_train = load_scans("train")
x_val, y_val = load_scans("validation")

model = models.Sequential(name="ct_3dcnn")
model.add(layers.Input(shape=(DEPTH, HEIGHT, WIDTH, 1)))
model.add(layers.Conv3D(32, kernel_size=3, activation="relu"))
model.add(layers.MaxPooling3D(pool_size=2))
model.add(layers.BatchNormalization())
model.add(layers.Conv3D(64, kernel_size=3, activation="relu"))
model.add(layers.MaxPooling3D(pool_size=2))
model.add(layers.BatchNormalization())
model.add(layers.Conv3D(128, kernel_size=3, activation="relu"))
model.add(layers.GlobalAveragePooling3D())
model.add(layers.Dense(128, activation="relu"))
model.add(layers.Dropout(0.4))
model.add(layers.Dense(1, activation="sigmoid"))

model.compile(
    optimizer=optimizers.Adam(learning_rate=1e-4),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=40, batch_size=2)
