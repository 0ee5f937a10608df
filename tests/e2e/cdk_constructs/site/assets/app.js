console.log("fogbank cdk_constructs");
