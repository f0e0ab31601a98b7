"""What any model of any modality runs on: the device, and ONNX Runtime for frozen networks."""
