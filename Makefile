# `sam build` entry point (template.yaml: Metadata BuildMethod: makefile, CodeUri: .).
# Each target builds one function module with Maven and unpacks its Lambda zip (lib/*.jar)
# into the directory sam build hands over. Needs Maven and a JDK >= 25 (found by the toolchain).

MVN ?= mvn -B -q -DskipTests -DskipFormat

define build_function
	$(MVN) -pl functions/$(1) -am package
	unzip -q -o functions/$(1)/target/$(1)-function.zip -d "$(ARTIFACTS_DIR)"
endef

build-DiscoveryFunction:
	$(call build_function,discovery)

build-TokenFunction:
	$(call build_function,token)

build-AuthorizerFunction:
	$(call build_function,authorizer)

build-RevocationFunction:
	$(call build_function,revocation)

build-IntrospectionFunction:
	$(call build_function,introspection)

build-KeyRotationFunction:
	$(call build_function,key-rotation)

build-AnomalyDetectorFunction:
	$(call build_function,anomaly-detector)

.PHONY: build-DiscoveryFunction build-TokenFunction build-AuthorizerFunction \
	build-RevocationFunction build-IntrospectionFunction build-KeyRotationFunction \
	build-AnomalyDetectorFunction
