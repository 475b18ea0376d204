select model, build_key from model_state
