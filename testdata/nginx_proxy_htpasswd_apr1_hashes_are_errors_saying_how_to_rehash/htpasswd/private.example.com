ops:$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0
