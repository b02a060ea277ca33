# Right: multilabel tagging of sound clips (a dog bark and a siren can share a clip).
# A 1D convnet reads the raw waveform; the head has one sigmoid unit per tag and
# binary_crossentropy scores each tag on its own against k-hot targets.
# Style: a subclassed tf.keras.Model, `from tensorflow import keras`.
import numpy as np
import tensorflow as tf
from tensorflow import keras

SAMPLE_RATE = 16_000
TAGS = ["speech", "music", "dog", "siren", "engine", "rain", "birds", "alarm"]

waveforms = np.load("clips_1s.npy").astype("float32")  # (n, 16000)
waveforms = waveforms[..., np.newaxis]  # (n, 16000, 1)
tag_matrix = np.load("clip_tags_khot.npy").astype("float32")  # (n, 8), 0/1 per tag


class SoundTagger(keras.Model):
    def __init__(self, num_tags):
        super().__init__()
        self.blocks = [
            keras.layers.Conv1D(32, 80, strides=4, activation="relu"),
            keras.layers.MaxPooling1D(4),
            keras.layers.Conv1D(64, 3, activation="relu"),
            keras.layers.MaxPooling1D(4),
            keras.layers.Conv1D(128, 3, activation="relu"),
        ]
        self.pool = keras.layers.GlobalAveragePooling1D()
        self.dropout = keras.layers.Dropout(0.3)
        self.tags = keras.layers.Dense(num_tags, activation="sigmoid")

    def call(self, inputs, training=False):
        x = inputs
        for block in self.blocks:
            x = block(x)
        x = self.pool(x)
        x = self.dropout(x, training=training)
        return self.tags(x)


model = SoundTagger(len(TAGS))
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=[keras.metrics.BinaryAccuracy(), keras.metrics.AUC(multi_label=True)],
)
dataset = (
    tf.data.Dataset.from_tensor_slices((waveforms, tag_matrix))
    .shuffle(2048)
    .batch(32)
    .prefetch(tf.data.AUTOTUNE)
)
model.fit(dataset, epochs=25)
model.save_weights("sound_tagger.weights.h5")
