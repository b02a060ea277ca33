# Right: topic classification of newswires given as word indices (integer labels).
# Embedding + 1D convnet + global pooling, a softmax head with one unit per topic,
# and sparse_categorical_crossentropy because the labels are class indices.
# Style: `from keras import layers as L`, the functional API.
import keras
from keras import layers as L
from keras.datasets import reuters
from keras.utils import pad_sequences

VOCABULARY = 10_000
MAX_WORDS = 400
TOPICS = 46

(train_texts, train_topics), (test_texts, test_topics) = reuters.load_data(
    num_words=VOCABULARY, test_split=0.2
)
train_texts = pad_sequences(train_texts, maxlen=MAX_WORDS)
test_texts = pad_sequences(test_texts, maxlen=MAX_WORDS)

words = keras.Input(shape=(MAX_WORDS,), dtype="int32", name="words")
x = L.Embedding(VOCABULARY, 128)(words)
x = L.Conv1D(128, 5, activation="relu")(x)
x = L.MaxPooling1D(5)(x)
x = L.Conv1D(128, 5, activation="relu")(x)
x = L.GlobalMaxPooling1D()(x)
x = L.Dense(128, activation="relu")(x)
x = L.Dropout(0.5)(x)
topic = L.Dense(TOPICS, activation="softmax", name="topic")(x)
model = keras.Model(words, topic, name="reuters_convnet")

model.compile(
    optimizer="rmsprop",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    train_texts,
    train_topics,
    epochs=12,
    batch_size=128,
    validation_split=0.1,
)
loss, accuracy = model.evaluate(test_texts, test_topics)
print(f"test accuracy: {accuracy:.3f}")
