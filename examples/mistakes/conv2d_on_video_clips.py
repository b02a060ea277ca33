# Mistake (KS204): video clips of shape (frames, height, width, channels) fed
# straight to Conv2D, which expects one image per sample. Use Conv3D, or wrap the
# 2D layers in TimeDistributed and read the frames with an LSTM.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

FRAMES, SIZE = 20, 64
GESTURES = 12

clips = np.load("gesture_clips.npy").astype("float32") / 255.0  # (n, 20, 64, 64, 3)
gesture_ids = np.load("gesture_ids.npy")  # (n,), integers 0..11

model = keras.Sequential(
    [
        keras.Input(shape=(FRAMES, SIZE, SIZE, 3)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(64, activation="relu"),
        layers.Dense(GESTURES, activation="softmax"),
    ],
    name="gesture_net",
)

model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(clips, gesture_ids, epochs=20, batch_size=8, validation_split=0.15)
