/**
 * Image decoding and PIL-identical resampling: format sniffing by content, header checks that refuse
 * decompression bombs before any pixel is decoded, the libjpeg-turbo decoder, and Pillow's resize filters.
 */
package dev.lowres.data.image;
