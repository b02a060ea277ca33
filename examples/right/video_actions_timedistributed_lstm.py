# Right: recognising actions in short video clips, labels are integer class ids.
# A 2D convnet runs on every frame through TimeDistributed, an LSTM reads the
# per-frame vectors, and a softmax head goes with sparse_categorical_crossentropy.
# Style: `import keras as K` alias, functional API.
import keras as K
import numpy as np

FRAMES, HEIGHT, WIDTH = 16, 112, 112
ACTIONS = ["walk", "run", "jump", "wave", "clap", "sit", "stand", "fall"]

clips = np.load("clips_uint8.npy")  # (n, 16, 112, 112, 3)
action_ids = np.load("clip_action_ids.npy")  # (n,), integers 0..7
split = int(0.85 * len(clips))

frames = K.Input(shape=(FRAMES, HEIGHT, WIDTH, 3))
x = K.layers.Rescaling(1.0 / 255)(frames)
x = K.layers.TimeDistributed(K.layers.Conv2D(32, 3, activation="relu"))(x)
x = K.layers.TimeDistributed(K.layers.MaxPooling2D(2))(x)
x = K.layers.TimeDistributed(K.layers.Conv2D(64, 3, activation="relu"))(x)
x = K.layers.TimeDistributed(K.layers.MaxPooling2D(2))(x)
x = K.layers.TimeDistributed(K.layers.Conv2D(128, 3, activation="relu"))(x)
x = K.layers.TimeDistributed(K.layers.GlobalAveragePooling2D())(x)
x = K.layers.LSTM(128)(x)
x = K.layers.Dropout(0.4)(x)
action = K.layers.Dense(len(ACTIONS), activation="softmax")(x)
model = K.Model(frames, action, name="action_recogniser")

model.compile(
    optimizer=K.optimizers.Adam(1e-4),
    loss=K.losses.SparseCategoricalCrossentropy(),
    metrics=[K.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
model.fit(
    clips[:split],
    action_ids[:split],
    validation_data=(clips[split:], action_ids[split:]),
    epochs=15,
    batch_size=4,
)
