(let [s (clojure.string/trim (read-line))]
  (println (str "hello " s)))
