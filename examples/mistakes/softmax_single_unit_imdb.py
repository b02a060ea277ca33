# Mistake (KS101): a binary sentiment classifier whose head is Dense(1, softmax).
# Softmax over one unit always outputs 1.0, so every review is "positive" and the
# predictions never change, whatever the loss does. The head should be Dense(1, activation="sigmoid").
import keras
from keras import layers
from keras.datasets import imdb
from keras.utils import pad_sequences

VOCABULARY = 20_000
MAX_TOKENS = 500

(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=VOCABULARY)
x_train = pad_sequences(x_train, maxlen=MAX_TOKENS)
x_test = pad_sequences(x_test, maxlen=MAX_TOKENS)

model = keras.Sequential(
    [
        keras.Input(shape=(MAX_TOKENS,), dtype="int32"),
        layers.Embedding(VOCABULARY, 64),
        layers.Conv1D(64, 7, activation="relu"),
        layers.MaxPooling1D(5),
        layers.Conv1D(64, 7, activation="relu"),
        layers.GlobalMaxPooling1D(),
        layers.Dropout(0.5),
        layers.Dense(1, activation="softmax"),
    ]
)

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=10,
    validation_split=0.2,
)
print(model.evaluate(x_test, y_test))
